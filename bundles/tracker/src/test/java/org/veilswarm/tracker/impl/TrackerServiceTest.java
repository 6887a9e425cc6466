package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.protocol.TrackerFailureException;
import org.veilswarm.tracker.store.memory.MemoryStoreLimits;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

class TrackerServiceTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);

    @Test
    void aFullStoreIsReportedAsAFailureReason() throws Exception {
        MemoryTrackerStore store = new MemoryTrackerStore(new MemoryStoreLimits(1, 10, 10, 10));
        store.putTorrent(new org.veilswarm.api.tracker.TorrentRecord(TrackerFixture.OTHER, "other", "", Set.of(), 0,
                List.of(), Visibility.PUBLIC, java.time.Instant.EPOCH));
        ShareTokenTable tokens = new ShareTokenTable();
        String token = ShareTokenTable.newToken(new SecureRandom());
        tokens.put(token, new TrackedShare(Visibility.PUBLIC, Set.of(TrackerFixture.HASH)));
        TrackerService service = new TrackerService(store, tokens, TrackerSettings.DEFAULT, Clock.systemUTC());
        TrackerReply reply = service.handle("GET", "/public/" + token + "/announce?"
                + TrackerFixture.announceQuery(1, 7001, 5, ""), REMOTE);
        assertEquals(200, reply.status());
        TrackerFailureException e = assertThrows(TrackerFailureException.class,
                () -> AnnounceResponse.parse(reply.body()));
        assertTrue(e.reason().contains("tracker is full"), e.reason());
    }

    @Test
    void aV2ShareAcceptsAnnouncesWithTheTruncatedHash() throws Exception {
        byte[] v2 = new byte[32];
        System.arraycopy(TrackerFixture.HASH.bytes(), 0, v2, 0, 20);
        v2[31] = 9;
        MemoryTrackerStore store = new MemoryTrackerStore();
        ShareTokenTable tokens = new ShareTokenTable();
        String token = ShareTokenTable.newToken(new SecureRandom());
        tokens.put(token, new TrackedShare(Visibility.PRIVATE, Set.of(InfoHash.of(v2))));
        TrackerService service = new TrackerService(store, tokens, TrackerSettings.DEFAULT, Clock.systemUTC());
        service.handle("GET", "/private/" + token + "/announce?" + TrackerFixture.announceQuery(1, 7001, 5, ""), REMOTE);
        TrackerReply second = service.handle("GET", "/private/" + token + "/announce?"
                + TrackerFixture.announceQuery(2, 7002, 5, ""), REMOTE);
        assertEquals(List.of(new TransportAddress("127.0.0.1", 7001)), AnnounceResponse.parse(second.body()).peers());
    }

    @Test
    void tokensShorterThan128BitsAreRefusedByTheTable() {
        assertThrows(IllegalArgumentException.class, () -> new ShareTokenTable().put("A".repeat(21),
                new TrackedShare(Visibility.PUBLIC, Set.of())));
        assertThrows(IllegalArgumentException.class, () -> new ShareTokenTable().put("A".repeat(42) + "=",
                new TrackedShare(Visibility.PUBLIC, Set.of())));
    }
}
