package org.veilswarm.swarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.swarm.picker.BlockArrival;
import org.veilswarm.swarm.picker.BlockRequest;
import org.veilswarm.swarm.picker.PickerConfig;
import org.veilswarm.swarm.picker.PiecePicker;
import org.veilswarm.swarm.picker.Priority;

/** The picker driving the store, with simulated peers that answer from the local source (no network). */
class PickerWithStoreTest {

    @TempDir
    Path tmp;

    @Test
    void aSwarmWithALiarStillCompletesAndTheLiarsPiecesAreRetried() throws Exception {
        TorrentFixture t = TorrentFixture.create(tmp, 5, TorrentMode.V2_ONLY, 32 * 1024);
        PiecePicker<String> picker = PiecePicker.forTorrent(t.info, PickerConfig.defaults(), new Random(11));
        List<String> peers = List.of("honest-1", "honest-2", "liar");
        for (String p : peers) {
            picker.peerHaveAll(p);
            picker.peerChoking(p, false);
        }
        int hashFailures = 0;
        boolean sawEndGame = false;
        Random rounds = new Random(3);
        try (PieceStore store = PieceStore.open(t.metainfo, tmp.resolve("dl"), tmp.resolve("state"), StorageOptions.defaults())) {
            for (int round = 0; round < 10_000 && !store.isComplete(); round++) {
                String peer = peers.get(rounds.nextInt(peers.size()));
                picker.nextRequests(peer, 3);
                sawEndGame |= picker.inEndGame();
                List<BlockRequest> pending = new ArrayList<>(picker.pending(peer));
                if (pending.isEmpty()) {
                    continue;
                }
                BlockRequest r = pending.get(0);
                BlockArrival<String> arrival = picker.blockReceived(peer, r);
                arrival.cancels().forEach(c -> picker.requestDropped(c.peer(), c.request()));
                if (!arrival.useful()) {
                    continue;
                }
                byte[] block = t.blocks(r.piece()).get(r.blockIndex());
                if (peer.equals("liar")) {
                    block[0] ^= 1;
                }
                BlockResult result = store.writeBlock(r.piece(), r.offset(), block);
                if (result == BlockResult.PIECE_VERIFIED) {
                    picker.pieceVerified(r.piece());
                } else if (result == BlockResult.PIECE_HASH_FAILED) {
                    assertTrue(picker.pieceFailed(r.piece()).contributors().contains("liar"));
                    hashFailures++;
                }
            }
            assertTrue(store.isComplete(), "the download did not finish");
            assertEquals(store.verifiedPieces(), picker.haveSet());
        }
        assertTrue(hashFailures > 0, "the liar's pieces should have failed");
        assertTrue(sawEndGame, "the last blocks are fetched in end-game");
        t.assertDownloadEqualsSource(tmp.resolve("dl"));
    }

    @Test
    void aSkippedFileIsNeverRequested() throws Exception {
        TorrentFixture t = TorrentFixture.create(tmp, 5, TorrentMode.V2_ONLY, 32 * 1024);
        PiecePicker<String> picker = PiecePicker.forTorrent(t.info, new PickerConfig(0, false), new Random(1));
        FileEntry big = t.info.files().get(0);
        picker.setFilePriority(big, Priority.SKIP);
        picker.peerHaveAll("p");
        picker.peerChoking("p", false);
        List<BlockRequest> all = picker.nextRequests("p", 10_000);
        assertFalse(all.isEmpty());
        for (BlockRequest r : all) {
            assertFalse(r.piece() >= big.firstPiece() && r.piece() < big.firstPiece() + big.pieceCount(), r.toString());
        }
        int expectedBlocks = 0;
        for (int p = 0; p < t.info.pieceCount(); p++) {
            if (p < big.firstPiece() || p >= big.firstPiece() + big.pieceCount()) {
                expectedBlocks += t.blocks(p).size();
            }
        }
        assertEquals(expectedBlocks, all.size());
    }
}
