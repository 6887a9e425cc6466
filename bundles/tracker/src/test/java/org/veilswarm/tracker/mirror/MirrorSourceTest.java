package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

/** The source's routing and long poll, without a network. */
class MirrorSourceTest {
    static final InfoHash MINE = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash OTHERS = InfoHash.ofHex("89abcdef0123456789abcdef0123456789abcdef");
    static final String NONCE = "00112233445566778899aabbccddeeff";

    final MemoryTrackerStore store = new MemoryTrackerStore();
    final FeedFollower feed = new FeedFollower(store, FeedSettings.DEFAULT);
    final ShareTokenTable tokens = new ShareTokenTable();
    final TestIdentity identity = new TestIdentity();
    final MirrorSource source = new MirrorSource(feed, tokens, identity, MirrorLimits.DEFAULT, Duration.ofSeconds(5));
    final String token = ShareTokenTable.newToken(new SecureRandom());
    final MirrorCodec codec = new MirrorCodec(MirrorLimits.DEFAULT);

    @AfterEach
    void close() {
        feed.close();
    }

    void announce(InfoHash hash, int n) {
        store.announce(new Announce(new PeerEntry(hash, new byte[20], new TransportAddress("127.0.0.1", 1000 + n), 1,
                0, 0, Instant.now()), AnnounceEvent.STARTED, 0));
    }

    MirrorSource.Reply get(String target) throws Exception {
        return source.handle("GET", target).get(10, TimeUnit.SECONDS);
    }

    @Test
    void unknownTokensWrongPrefixesAndStrayPathsGetTheTrackersOne404() throws Exception {
        tokens.put(token, new TrackedShare(Visibility.PRIVATE, Set.of(MINE)));
        String unknown = ShareTokenTable.newToken(new SecureRandom());
        for (String target : List.of("/private/" + unknown + "/mirror/snapshot?nonce=" + NONCE,
                "/public/" + token + "/mirror/snapshot?nonce=" + NONCE,
                "/private/" + token + "/mirror/everything?nonce=" + NONCE,
                "/private/" + token + "/mirror/snapshot/x?nonce=" + NONCE,
                "/private/short/mirror/snapshot")) {
            MirrorSource.Reply reply = get(target);
            assertEquals(404, reply.status(), target);
            assertArrayEquals("d14:failure reason9:not founde".getBytes(StandardCharsets.US_ASCII), reply.body());
        }
        assertEquals(405, source.handle("POST", "/private/" + token + "/mirror/snapshot").get().status());
        MirrorSource.Reply badNonce = get("/private/" + token + "/mirror/snapshot?nonce=xyz");
        assertEquals(400, badNonce.status());
        assertTrue(new String(badNonce.body(), StandardCharsets.US_ASCII).contains("nonce must be 32 hexadecimal"));
    }

    @Test
    void aLongPollWaitsForTheSharesOwnChangeAndIgnoresOtherShares() throws Exception {
        tokens.put(token, new TrackedShare(Visibility.PRIVATE, Set.of(MINE)));
        announce(MINE, 1);
        feed.poll();
        byte[] nonce = HexFormat.of().parseHex(NONCE);
        byte[] scope = MirrorScope.of(Visibility.PRIVATE, token);
        MirrorSnapshot snapshot = codec.decodeSnapshot(SignedDocument.open(SignedDocument.Kind.SNAPSHOT,
                get("/private/" + token + "/mirror/snapshot?nonce=" + NONCE).body(), identity.publicKey(), identity,
                1 << 20), nonce, scope);
        assertEquals(1, snapshot.head());
        assertEquals(1, snapshot.torrents().get(0).peers().size());

        String poll = "/private/" + token + "/mirror/changes?nonce=" + NONCE + "&epoch=" + snapshot.epoch().hex()
                + "&since=1&wait=5";
        CompletableFuture<MirrorSource.Reply> waiting = source.handle("GET", poll);
        announce(OTHERS, 2);
        feed.poll();
        Thread.sleep(50);
        assertTrue(!waiting.isDone(), "another share's change does not answer the poll");
        announce(MINE, 3);
        feed.poll();
        MirrorSource.Reply reply = waiting.get(5, TimeUnit.SECONDS);
        ChangeBatch batch = codec.decodeBatch(SignedDocument.open(SignedDocument.Kind.CHANGES, reply.body(),
                identity.publicKey(), identity, 1 << 20), nonce, scope);
        assertEquals(1, batch.from());
        assertEquals(3, batch.to(), "the batch covers the other share's change too, without showing it");
        assertEquals(List.of(3L), batch.changes().stream().map(c -> c.sequence()).toList());
        assertEquals(Optional.of(MINE), batch.changes().stream().map(c -> c.infoHash()).findFirst());

        MirrorSource.Reply wrongEpoch = get(poll.replace(snapshot.epoch().hex(), "00".repeat(16)));
        assertEquals(410, wrongEpoch.status());
        MirrorSource.Reply ahead = get(poll.replace("since=1", "since=99"));
        assertEquals(410, ahead.status());
    }
}
