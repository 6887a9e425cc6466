package org.veilswarm.tracker.impl;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

/** A tracker with one public and one private share over a fresh memory store. */
final class TrackerFixture {
    static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash OTHER = InfoHash.ofHex("89abcdef0123456789abcdef0123456789abcdef");
    static final String HASH_Q = "%01%23%45%67%89%ab%cd%ef%01%23%45%67%89%ab%cd%ef%01%23%45%67";

    final MemoryTrackerStore store = new MemoryTrackerStore();
    final ShareTokenTable tokens = new ShareTokenTable();
    final String publicToken = ShareTokenTable.newToken(new SecureRandom());
    final String privateToken = ShareTokenTable.newToken(new SecureRandom());
    final TrackerService service;

    TrackerFixture(TrackerSettings settings) {
        tokens.put(publicToken, new TrackedShare(Visibility.PUBLIC, Set.of(HASH)));
        tokens.put(privateToken, new TrackedShare(Visibility.PRIVATE, Set.of(HASH, OTHER)));
        service = new TrackerService(store, tokens, settings, Clock.systemUTC());
    }

    TrackerFixture() {
        this(TrackerSettings.DEFAULT);
    }

    String announcePath() {
        return "/public/" + publicToken + "/announce";
    }

    static String announceQuery(int peer, int port, long left, String extra) {
        return "info_hash=" + HASH_Q + "&peer_id=" + String.format("-VS0001-%012d", peer) + "&port=" + port
                + "&uploaded=0&downloaded=0&left=" + left + extra;
    }
}
