package org.veilswarm.peerwire.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.peerwire.MetadataData;
import org.veilswarm.peerwire.MetadataReject;
import org.veilswarm.peerwire.MetadataRequest;
import org.veilswarm.peerwire.PeerMessage;

class MetadataAssemblerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final MetadataOptions OPTIONS = MetadataOptions.DEFAULT.withRequestTimeout(Duration.ofSeconds(10))
            .withMaxRequestsPerPeer(2);

    private static InfoDictionary v2;
    private static InfoDictionary hybrid;

    @BeforeAll
    static void torrents(@TempDir Path dir) throws Exception {
        v2 = Torrents.folder(dir.resolve("v2"), 300, TorrentMode.V2_ONLY).metainfo().info();
        hybrid = Torrents.folder(dir.resolve("hybrid"), 300, TorrentMode.HYBRID).metainfo().info();
        assertTrue(v2.size() > 2 * MetadataData.METADATA_PIECE_SIZE, "fixture spans at least three pieces: " + v2.size());
    }

    private static MetadataAssembler<String> assembler(InfoDictionary info) {
        return new MetadataAssembler<>(ExpectedInfoHashes.of(info.infoHashes()), OPTIONS);
    }

    /** What an honest peer would send for {@code piece} of {@code info}. */
    private static MetadataData piece(byte[] info, int piece) {
        PeerMessage answer = new MetadataServerFromBytes(info).answer(piece);
        return assertInstanceOf(MetadataData.class, answer);
    }

    /** Fetches every piece {@code peer} is handed, answering from {@code info}, until nothing is left. */
    private static MetadataOutcome<String> serve(MetadataAssembler<String> a, String peer, byte[] info, long now) {
        MetadataOutcome<String> last = null;
        for (List<Integer> asked; !(asked = a.requestsFor(peer, now)).isEmpty(); ) {
            for (int p : asked) {
                MetadataData data = piece(info, p);
                try {
                    last = a.received(peer, data, now);
                } finally {
                    data.release();
                }
            }
        }
        return last;
    }

    @Test
    void assemblesAV2DictionaryFromOnePeerAndVerifiesItsSha256() throws Exception {
        MetadataAssembler<String> a = assembler(v2);
        assertEquals(MetadataOutcome.Kind.ACCEPTED, a.addPeer("seeder", v2.size()).kind());
        MetadataOutcome<String> outcome = serve(a, "seeder", v2.bytes(), 0);
        assertEquals(MetadataOutcome.Kind.COMPLETE, outcome.kind());
        assertArrayEquals(v2.bytes(), outcome.info().orElseThrow().bytes());
        assertEquals(v2.infoHashes(), a.completion().toCompletableFuture().join().infoHashes());
        assertTrue(a.isDone());
        assertEquals(List.of(), a.requestsFor("seeder", 0), "nothing more is asked");
    }

    @Test
    void aHybridIsVerifiedByItsV1Sha1HashAlone() {
        MetadataAssembler<String> a = new MetadataAssembler<>(ExpectedInfoHashes.v1(hybrid.infoHashes().v1().orElseThrow()), OPTIONS);
        a.addPeer("seeder", hybrid.size());
        MetadataOutcome<String> outcome = serve(a, "seeder", hybrid.bytes(), 0);
        assertEquals(MetadataOutcome.Kind.COMPLETE, outcome.kind());
        assertEquals(hybrid.infoHashes(), outcome.info().orElseThrow().infoHashes());
    }

    @Test
    void aV1HashThatDoesNotMatchIsAMismatchEvenIfTheV2HashWould() {
        byte[] otherSha1 = new byte[20];
        MetadataAssembler<String> a = new MetadataAssembler<>(new ExpectedInfoHashes(
                java.util.Optional.of(hybrid.infoHashes().v2()), java.util.Optional.of(HashValue.of(otherSha1))), OPTIONS);
        a.addPeer("seeder", hybrid.size());
        assertEquals(MetadataOutcome.Kind.HASH_MISMATCH, serve(a, "seeder", hybrid.bytes(), 0).kind());
    }

    @Test
    void piecesAreSpreadOverPeersEachAskedOnceWithinThePerPeerLimit() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("a", v2.size());
        a.addPeer("b", v2.size());
        List<Integer> fromA = a.requestsFor("a", 0);
        List<Integer> fromB = a.requestsFor("b", 0);
        assertEquals(List.of(0, 1), fromA);
        assertEquals(List.of(2), fromB, "the third and last piece; nothing is asked twice");
        assertEquals(List.of(), a.requestsFor("a", 0), "a is at its limit of 2");
        a.addPeer("c", v2.size());
        assertEquals(List.of(), a.requestsFor("c", 0), "everything is in flight");
    }

    @Test
    void aRejectedPieceGoesToAnotherPeerAndNotBackToTheOneThatRejected() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("a", v2.size());
        assertEquals(List.of(0, 1), a.requestsFor("a", 0));
        a.rejected("a", 0, 0);
        assertEquals(List.of(2), a.requestsFor("a", 0), "a is not asked for piece 0 again");
        a.addPeer("b", v2.size());
        assertTrue(a.requestsFor("b", 0).contains(0), "b gets piece 0");
    }

    @Test
    void aTimedOutRequestGoesToAnotherPeerOnlyAfterTheTimeout() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("slow", v2.size());
        assertEquals(List.of(0, 1), a.requestsFor("slow", 0));
        a.addPeer("fast", v2.size());
        assertEquals(List.of(2), a.requestsFor("fast", 5 * SECOND));
        assertEquals(Set.of(), a.expire(10 * SECOND - 1), "not yet");
        assertEquals(Set.of("slow"), a.expire(10 * SECOND));
        assertEquals(List.of(0), a.requestsFor("fast", 10 * SECOND), "piece 0 moves to fast (its limit is 2)");
        assertEquals(List.of(), a.requestsFor("slow", 10 * SECOND), "slow is not asked for what timed out");
        assertEquals(List.of(1), a.requestsFor("slow", 40 * SECOND), "after the cooldown slow may try again");
    }

    @Test
    void absurdMetadataSizesMakeAPeerUnusable() {
        MetadataAssembler<String> a = assembler(v2);
        assertEquals(MetadataOutcome.Kind.PEER_UNUSABLE, a.addPeer("zero", 0).kind());
        assertEquals(MetadataOutcome.Kind.PEER_UNUSABLE, a.addPeer("huge", (16L << 20) + 1).kind());
        assertEquals(MetadataOutcome.Kind.PEER_UNUSABLE, a.addPeer("negative", -5).kind());
        assertEquals(List.of(), a.requestsFor("huge", 0));
        assertEquals(MetadataOutcome.Kind.ACCEPTED, a.addPeer("max", 16L << 20).kind(), "16 MiB itself is allowed");
    }

    @Test
    void aTotalSizeOtherThanAnnouncedIsMisbehaviourAndBansThePeer() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("liar", v2.size());
        a.requestsFor("liar", 0);
        byte[] longer = Arrays.copyOf(v2.bytes(), v2.size() + 1);
        MetadataData wrong = piece(longer, 0);
        try {
            MetadataOutcome<String> outcome = a.received("liar", wrong, 0);
            assertEquals(MetadataOutcome.Kind.MISBEHAVED, outcome.kind());
            assertEquals(Set.of("liar"), outcome.culprits());
        } finally {
            wrong.release();
        }
        assertEquals(Set.of("liar"), a.banned());
        assertEquals(MetadataOutcome.Kind.PEER_UNUSABLE, a.addPeer("liar", v2.size()).kind());
        assertEquals(0, a.pendingRequests(), "its requests are released");
    }

    @Test
    void dataThatWasNotAskedForIsIgnored() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("a", v2.size());
        a.addPeer("b", v2.size());
        assertEquals(List.of(0, 1), a.requestsFor("a", 0));
        MetadataData unsolicited = piece(v2.bytes(), 0);
        try {
            assertEquals(MetadataOutcome.Kind.IGNORED, a.received("b", unsolicited, 0).kind(), "b was not asked for 0");
            assertEquals(MetadataOutcome.Kind.IGNORED, a.received("stranger", unsolicited, 0).kind());
        } finally {
            unsolicited.release();
        }
    }

    @Test
    void aSinglePeerSendingWrongDataIsNamedBannedAndAnHonestPeerFinishes() {
        MetadataAssembler<String> a = assembler(v2);
        byte[] corrupted = v2.bytes();
        corrupted[corrupted.length / 2] ^= 1;
        a.addPeer("liar", v2.size());
        MetadataOutcome<String> bad = serve(a, "liar", corrupted, 0);
        assertEquals(MetadataOutcome.Kind.HASH_MISMATCH, bad.kind());
        assertEquals(Set.of("liar"), bad.culprits());
        assertEquals(Set.of("liar"), a.banned());
        assertFalse(a.isDone());

        a.addPeer("honest", v2.size());
        assertEquals(MetadataOutcome.Kind.COMPLETE, serve(a, "honest", v2.bytes(), SECOND).kind());
    }

    @Test
    void aLiarAmongSeveralContributorsIsIsolatedByAskingOnePeerAtATime() {
        byte[] corrupted = v2.bytes();
        corrupted[10] ^= 1; // piece 0, which the liar is asked for first
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("liar", v2.size());
        a.addPeer("honest", v2.size());
        // Both get pieces in the first attempt: nobody can be blamed for the mismatch.
        List<MetadataOutcome<String>> outcomes = new ArrayList<>();
        while (!a.isDone() && outcomes.size() < 100) {
            boolean progress = false;
            for (String peer : List.of("liar", "honest")) {
                for (int p : a.requestsFor(peer, 0)) {
                    MetadataData data = piece(peer.equals("liar") ? corrupted : v2.bytes(), p);
                    try {
                        outcomes.add(a.received(peer, data, 0));
                    } finally {
                        data.release();
                    }
                    progress = true;
                }
            }
            assertTrue(progress, "someone is always asked: " + outcomes);
        }
        List<MetadataOutcome.Kind> kinds = outcomes.stream().map(MetadataOutcome::kind)
                .filter(k -> k != MetadataOutcome.Kind.ACCEPTED).toList();
        // Mixed attempt (no culprit), then the liar alone (named), then the honest peer alone.
        assertEquals(List.of(MetadataOutcome.Kind.HASH_MISMATCH, MetadataOutcome.Kind.HASH_MISMATCH,
                MetadataOutcome.Kind.COMPLETE), kinds, () -> outcomes.toString());
        List<MetadataOutcome<String>> mismatches = outcomes.stream()
                .filter(o -> o.kind() == MetadataOutcome.Kind.HASH_MISMATCH).toList();
        assertEquals(Set.of(), mismatches.get(0).culprits());
        assertEquals(Set.of("liar"), mismatches.get(1).culprits());
        assertArrayEquals(v2.bytes(), a.result().orElseThrow().bytes());
    }

    @Test
    void aPeerAnnouncingAnotherSizeIsNotMixedIntoTheAttempt() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("right", v2.size());
        a.addPeer("other", v2.size() + 100);
        assertEquals(List.of(0, 1), a.requestsFor("right", 0));
        assertEquals(List.of(), a.requestsFor("other", 0), "its size is not the one being assembled");
        a.removePeer("right");
        assertEquals(List.of(0, 1), a.requestsFor("other", 0), "with the first peer gone, its size is tried");
    }

    @Test
    void aWrongSizeThatRefusesIsDroppedForTheSizeTheHonestPeersAnnounce() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("wrong", v2.size() + 100);
        assertEquals(List.of(0, 1), a.requestsFor("wrong", 0), "the only peer so far fixes the first attempt");
        a.addPeer("honest1", v2.size());
        a.addPeer("honest2", v2.size());
        assertEquals(List.of(), a.requestsFor("honest1", 0), "not the size being assembled");
        a.rejected("wrong", 0, SECOND);
        a.rejected("wrong", 1, SECOND);
        assertEquals(List.of(0, 1), a.requestsFor("honest1", SECOND),
                "nobody announcing the first size can be asked for piece 0: the attempt moves to the honest size");
        assertEquals(List.of(), a.requestsFor("wrong", 2 * SECOND), "the wrong size is no longer assembled");
        assertEquals(List.of(2), a.requestsFor("honest2", 2 * SECOND));
        receive(a, "honest2", 2, 2 * SECOND);
        receive(a, "honest1", 0, 2 * SECOND);
        assertEquals(MetadataOutcome.Kind.COMPLETE, receive(a, "honest1", 1, 2 * SECOND).kind());
    }

    @Test
    void aSilentPeerAnnouncingAWrongSizeHoldsTheHonestPeersOnlyUntilItsRequestsTimeOut() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("silent", v2.size() + 100);
        assertEquals(List.of(0, 1), a.requestsFor("silent", 0));
        a.addPeer("honest", v2.size());
        assertEquals(List.of(), a.requestsFor("honest", 5 * SECOND), "the silent peer's requests are still in time");
        assertEquals(Set.of("silent"), a.expire(10 * SECOND));
        assertEquals(List.of(0, 1), a.requestsFor("honest", 10 * SECOND));
        receive(a, "honest", 0, 10 * SECOND);
        receive(a, "honest", 1, 10 * SECOND);
        assertEquals(List.of(2), a.requestsFor("honest", 10 * SECOND));
        assertEquals(MetadataOutcome.Kind.COMPLETE, receive(a, "honest", 2, 10 * SECOND).kind());
    }

    @Test
    void aStuckSizeIsLeftEvenForAFewerVotedSizeWhenOnlyThatOneCanBeServedNow() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("wrong1", v2.size() + 100);
        a.addPeer("wrong2", v2.size() + 100);
        assertEquals(List.of(0, 1), a.requestsFor("wrong1", 0));
        assertEquals(List.of(2), a.requestsFor("wrong2", 0));
        a.addPeer("honest", v2.size());
        a.rejected("wrong1", 0, SECOND);
        a.rejected("wrong2", 2, SECOND);
        assertEquals(List.of(0), a.requestsFor("wrong2", SECOND), "wrong2 may still be asked for piece 0");
        a.rejected("wrong2", 0, SECOND);
        assertEquals(List.of(0, 1), a.requestsFor("honest", SECOND),
                "piece 0 is refused by both peers of the majority size, so the honest size is tried");
        receive(a, "honest", 0, SECOND);
        receive(a, "honest", 1, SECOND);
        assertEquals(List.of(2), a.requestsFor("honest", SECOND));
        assertEquals(MetadataOutcome.Kind.COMPLETE, receive(a, "honest", 2, SECOND).kind());
    }

    @Test
    void aStuckAttemptWithNoOtherServableSizeKeepsItsPiecesAndWaits() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("a", v2.size());
        a.addPeer("b", v2.size());
        assertEquals(List.of(0, 1), a.requestsFor("a", 0));
        assertEquals(List.of(2), a.requestsFor("b", 0));
        receive(a, "b", 2, 0);
        a.rejected("a", 0, SECOND);
        assertEquals(List.of(0), a.requestsFor("b", SECOND), "b takes over the refused piece");
        a.rejected("b", 0, SECOND);
        assertEquals(List.of(), a.requestsFor("a", 2 * SECOND), "piece 0 is refused by everyone for now");
        assertEquals(List.of(0), a.requestsFor("a", 31 * SECOND), "after the cooldown the same attempt goes on");
        receive(a, "a", 1, 31 * SECOND);
        assertEquals(MetadataOutcome.Kind.COMPLETE, receive(a, "a", 0, 31 * SECOND).kind(),
                "piece 2 from before the wait was kept");
    }

    private static MetadataOutcome<String> receive(MetadataAssembler<String> a, String peer, int piece, long now) {
        MetadataData data = piece(v2.bytes(), piece);
        try {
            return a.received(peer, data, now);
        } finally {
            data.release();
        }
    }

    @Test
    void aDisconnectedPeersRequestsGoToOthers() {
        MetadataAssembler<String> a = assembler(v2);
        a.addPeer("a", v2.size());
        a.addPeer("b", v2.size());
        assertEquals(List.of(0, 1), a.requestsFor("a", 0));
        a.removePeer("a");
        assertEquals(List.of(0, 1), a.requestsFor("b", 0));
    }

    @Test
    void verifiedMetadataOfAV1OnlyTorrentFailsClearly() throws Exception {
        byte[] v1Only = ("d6:lengthi5e4:name1:a12:piece lengthi16384e6:pieces20:" + "x".repeat(20) + "e")
                .getBytes(StandardCharsets.US_ASCII);
        HashValue sha1 = HashValue.of(MessageDigest.getInstance("SHA-1").digest(v1Only));
        MetadataAssembler<String> a = new MetadataAssembler<>(ExpectedInfoHashes.v1(sha1), OPTIONS);
        a.addPeer("v1 peer", v1Only.length);
        MetadataOutcome<String> outcome = serve(a, "v1 peer", v1Only, 0);
        assertEquals(MetadataOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.reason().contains("v1-only"), outcome.reason());
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> a.completion().toCompletableFuture().join());
        assertInstanceOf(MetainfoException.class, e.getCause());
        assertTrue(a.isDone());
    }

    @Test
    void expectedHashesNeedTheirRealLengths() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExpectedInfoHashes.v2(v2.infoHashes().v2Truncated()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExpectedInfoHashes.v1(v2.infoHashes().v2()));
    }

    /** {@link MetadataServer} over raw bytes, so tests can serve corrupted or foreign dictionaries. */
    private record MetadataServerFromBytes(byte[] info) {
        PeerMessage answer(int piece) {
            int from = piece * MetadataData.METADATA_PIECE_SIZE;
            if (from >= info.length) {
                return new MetadataReject(1, piece);
            }
            int n = Math.min(MetadataData.METADATA_PIECE_SIZE, info.length - from);
            return new MetadataData(1, new MetadataRequest(1, piece).piece(), info.length,
                    Unpooled.wrappedBuffer(info, from, n));
        }
    }
}
