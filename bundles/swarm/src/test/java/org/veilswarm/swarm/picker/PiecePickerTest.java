package org.veilswarm.swarm.picker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PiecePickerTest {

    private static final int PIECE = 64 * 1024; // 4 blocks
    private static final PickerConfig RAREST = new PickerConfig(0, false);

    private static PiecePicker<String> picker(int pieces, PickerConfig config, long seed) {
        // The last piece is short: 1 full block and 1,000 bytes.
        return new PiecePicker<>(pieces, p -> p == pieces - 1 ? Blocks.BLOCK_SIZE + 1000 : PIECE, config,
                new Random(seed));
    }

    private static BitSet bits(int... pieces) {
        BitSet b = new BitSet();
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }

    @Test
    void blocksAre16KibAndTheLastIsShort() {
        assertEquals(2, Blocks.blockCount(Blocks.BLOCK_SIZE + 1000));
        assertEquals(new BlockRequest(7, Blocks.BLOCK_SIZE, 1000), Blocks.block(7, Blocks.BLOCK_SIZE + 1000, 1));
        assertEquals(new BlockRequest(7, 0, Blocks.BLOCK_SIZE), Blocks.block(7, PIECE, 0));
    }

    @Test
    void availabilityFollowsBitfieldHaveHaveAllHaveNoneAndLeaving() {
        PiecePicker<String> p = picker(4, RAREST, 1);
        p.peerBitfield("a", bits(0, 1));
        p.peerHave("b", 1);
        p.peerHave("b", 1); // a repeated have counts once
        p.peerHaveAll("c");
        assertEquals(List.of(2, 3, 1, 1), List.of(p.availability(0), p.availability(1), p.availability(2), p.availability(3)));
        p.peerHaveNone("c");
        assertEquals(List.of(1, 2, 0, 0), List.of(p.availability(0), p.availability(1), p.availability(2), p.availability(3)));
        p.peerBitfield("a", bits(3)); // a second bitfield replaces the first
        p.peerLeft("b");
        assertEquals(List.of(0, 0, 0, 1), List.of(p.availability(0), p.availability(1), p.availability(2), p.availability(3)));
    }

    @Test
    void refusesABitfieldNamingPiecesBeyondTheTorrent() {
        PiecePicker<String> p = picker(4, RAREST, 1);
        assertThrows(IllegalArgumentException.class, () -> p.peerBitfield("a", bits(4)));
    }

    /** Property: over random swarms, a pick is always a block the peer has, we lack, and that is wanted. */
    @Test
    void neverPicksWhatThePeerLacksWhatWeHaveOrWhatIsSkipped() {
        for (long seed = 0; seed < 300; seed++) {
            Random r = new Random(seed);
            int pieces = 1 + r.nextInt(40);
            PiecePicker<Integer> p = new PiecePicker<>(pieces, x -> PIECE, new PickerConfig(r.nextInt(3), r.nextBoolean()),
                    new Random(seed));
            List<BitSet> peerHas = new ArrayList<>();
            for (int peer = 0; peer < 5; peer++) {
                BitSet has = new BitSet();
                for (int i = 0; i < pieces; i++) {
                    if (r.nextInt(3) == 0) {
                        has.set(i);
                    }
                }
                peerHas.add(has);
                p.peerBitfield(peer, has);
                p.peerChoking(peer, false);
            }
            for (int i = 0; i < pieces; i++) {
                if (r.nextInt(4) == 0) {
                    p.pieceVerified(i);
                } else if (r.nextInt(5) == 0) {
                    p.setPriority(i, Priority.SKIP);
                }
            }
            for (int round = 0; round < 20; round++) {
                int peer = r.nextInt(5);
                Set<BlockRequest> before = p.pending(peer);
                for (BlockRequest req : p.nextRequests(peer, 1 + r.nextInt(8))) {
                    assertTrue(peerHas.get(peer).get(req.piece()), "seed " + seed + ": peer lacks " + req);
                    assertFalse(p.have(req.piece()), "seed " + seed + ": we have " + req);
                    assertTrue(p.priority(req.piece()) != Priority.SKIP, "seed " + seed + ": skipped " + req);
                    assertFalse(before.contains(req), "seed " + seed + ": requested twice from one peer " + req);
                }
                if (r.nextBoolean() && !p.pending(peer).isEmpty()) {
                    BlockRequest done = p.pending(peer).iterator().next();
                    if (p.blockReceived(peer, done).pieceComplete()) {
                        p.pieceVerified(done.piece());
                    }
                }
            }
        }
    }

    @Test
    void aFreshPeerIsAskedForTheRarestPieceItHas() {
        int fourFirst = 0;
        int runs = 400;
        for (long seed = 0; seed < runs; seed++) {
            PiecePicker<String> p = picker(6, RAREST, seed);
            p.peerHaveAll("seed");
            p.peerBitfield("x", bits(0, 1, 2, 3));
            p.peerBitfield("y", bits(0, 1, 3));
            p.peerBitfield("z", bits(0, 3));
            List.of("seed", "x", "y", "z").forEach(peer -> p.peerChoking(peer, false));
            // availability: 0→4, 1→3, 2→2, 3→4, 4→1, 5→1
            int first = p.nextRequests("seed", 1).get(0).piece();
            assertTrue(first == 4 || first == 5, "seed " + seed + " picked " + first);
            if (first == 4) {
                fourFirst++;
            }
            // "x" lacks 4 and 5: its rarest is 2
            assertEquals(2, p.nextRequests("x", 1).get(0).piece(), "seed " + seed);
            // "seed" finishes its started piece before starting the other rarest one
            assertEquals(first, p.nextRequests("seed", 2).get(0).piece(), "seed " + seed);
        }
        assertTrue(Math.abs(fourFirst - runs / 2) < runs / 8, "ties broken unevenly: 4 first " + fourFirst + " of " + runs);
    }

    @Test
    void strictSequentialRequestsInPieceOrder() {
        PiecePicker<String> p = picker(10, new PickerConfig(0, true), 5);
        p.peerHaveAll("a");
        p.peerChoking("a", false);
        p.peerHave("b", 9); // rarity must not matter
        List<BlockRequest> all = p.nextRequests("a", 1000);
        for (int i = 1; i < all.size(); i++) {
            BlockRequest prev = all.get(i - 1);
            BlockRequest cur = all.get(i);
            assertTrue(prev.piece() < cur.piece() || (prev.piece() == cur.piece() && prev.offset() < cur.offset()),
                    prev + " then " + cur);
        }
        assertEquals(9 * 4 + 2, all.size());
    }

    @Test
    void endGameStartsExactlyWhenTheLastMissingBlockIsRequested() {
        PiecePicker<String> p = picker(3, RAREST, 7);
        p.peerHaveAll("a");
        p.peerHaveAll("b");
        p.peerChoking("a", false);
        p.peerChoking("b", false);
        int total = 4 + 4 + 2;
        for (int i = 0; i < total; i++) {
            assertFalse(p.inEndGame(), "end-game after " + i + " of " + total + " requests");
            assertEquals(1, p.nextRequests("a", i + 1).size());
        }
        assertTrue(p.inEndGame());
        // "b" now gets duplicates of what is pending at "a", never more than once each
        List<BlockRequest> dup = p.nextRequests("b", 100);
        assertEquals(p.pending("a"), new HashSet<>(dup));
        BlockRequest first = dup.get(0);
        BlockArrival<String> arrival = p.blockReceived("b", first);
        assertTrue(arrival.useful());
        assertEquals(List.of(new PeerRequest<>("a", first)), arrival.cancels());
        assertFalse(p.pending("a").contains(first));
        assertFalse(p.blockReceived("a", first).useful(), "the late copy is a duplicate");
    }

    @Test
    void noEndGameWhileAnUnrequestedBlockRemainsSomewhere() {
        PiecePicker<String> p = picker(3, RAREST, 7);
        p.peerBitfield("a", bits(0, 1));
        p.peerChoking("a", false);
        p.nextRequests("a", 100); // everything "a" has: pieces 0 and 1
        assertFalse(p.inEndGame(), "piece 2 is still unrequested");
        assertTrue(p.nextRequests("a", 200).isEmpty());
        p.setPriority(2, Priority.SKIP);
        assertTrue(p.inEndGame(), "with piece 2 skipped every wanted block is requested");
    }

    @Test
    void noEndGameWhenNothingIsMissing() {
        PiecePicker<String> p = picker(2, RAREST, 1);
        p.pieceVerified(0);
        p.pieceVerified(1);
        assertFalse(p.inEndGame());
    }

    @Test
    void aChokedPeerIsAskedOnlyForAllowedFastPieces() {
        PiecePicker<String> p = picker(8, RAREST, 3);
        p.peerHaveAll("a");
        assertTrue(p.nextRequests("a", 10).isEmpty());
        p.peerAllowedFast("a", 6);
        List<BlockRequest> got = p.nextRequests("a", 10);
        assertEquals(4, got.size());
        assertTrue(got.stream().allMatch(r -> r.piece() == 6));
    }

    @Test
    void requestsOfALeavingPeerGoToOthers() {
        PiecePicker<String> p = picker(2, RAREST, 3);
        p.peerHaveAll("a");
        p.peerHaveAll("b");
        p.peerChoking("a", false);
        p.peerChoking("b", false);
        List<BlockRequest> atA = p.nextRequests("a", 2);
        assertEquals(atA, p.peerLeft("a"));
        List<BlockRequest> atB = p.nextRequests("b", 10);
        assertTrue(atB.containsAll(atA));
        assertEquals(4 + 2, new HashSet<>(atB).size(), "every block once");
    }

    @Test
    void aFailedPieceIsRequestedAgain() {
        PiecePicker<String> p = picker(1, RAREST, 3);
        p.peerHaveAll("a");
        p.peerChoking("a", false);
        List<BlockRequest> blocks = p.nextRequests("a", 10);
        boolean complete = false;
        for (BlockRequest b : blocks) {
            complete = p.blockReceived("a", b).pieceComplete();
        }
        assertTrue(complete);
        assertTrue(p.nextRequests("a", 10).isEmpty());
        p.pieceFailed(0);
        assertEquals(blocks, p.nextRequests("a", 10));
        for (BlockRequest b : blocks) {
            p.blockReceived("a", b);
        }
        p.pieceVerified(0);
        assertTrue(p.nextRequests("a", 10).isEmpty());
        assertEquals(1, p.completedPieces());
    }

    @Test
    void aRejectedRequestIsPickedAgain() {
        PiecePicker<String> p = picker(1, RAREST, 3);
        p.peerHaveAll("a");
        p.peerChoking("a", false);
        BlockRequest first = p.nextRequests("a", 1).get(0);
        p.requestDropped("a", first);
        assertEquals(first, p.nextRequests("a", 1).get(0));
    }

    @Test
    void aFailedPieceNamesThePeersThatSentIt() {
        PiecePicker<String> p = picker(1, RAREST, 3); // one short piece: 2 blocks
        p.peerHaveAll("a");
        p.peerHaveAll("b");
        p.peerChoking("a", false);
        p.peerChoking("b", false);
        BlockRequest first = p.nextRequests("a", 1).get(0);
        BlockRequest second = p.nextRequests("b", 1).get(0);
        p.blockReceived("a", first);
        assertTrue(p.blockReceived("b", second).pieceComplete());
        FailedPiece<String> failed = p.pieceFailed(0);
        assertEquals(Set.of("a", "b"), failed.contributors());
        assertTrue(failed.cancels().isEmpty());
    }

    @Test
    void aPieceVerifiedFromElsewhereCancelsItsPendingRequests() {
        PiecePicker<String> p = picker(2, RAREST, 3);
        p.peerHaveAll("a");
        p.peerChoking("a", false);
        List<BlockRequest> sent = p.nextRequests("a", 100);
        List<PeerRequest<String>> cancels = p.pieceVerified(0);
        assertEquals(4, cancels.size());
        assertTrue(cancels.stream().allMatch(c -> c.peer().equals("a") && c.request().piece() == 0));
        assertEquals(sent.size() - 4, p.pending("a").size());
    }
}
