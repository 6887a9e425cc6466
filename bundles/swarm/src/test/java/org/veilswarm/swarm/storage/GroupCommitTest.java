package org.veilswarm.swarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.TorrentMode;

/** {@link PieceStore#writeBlockUncommitted} and {@link PieceStore#commit()}: written is not yet verified. */
class GroupCommitTest {

    private static final int PIECE = 32 * 1024;

    @TempDir
    Path tmp;

    private BlockResult deliverUncommitted(PieceStore store, TorrentFixture t, int p) throws Exception {
        BlockResult last = null;
        List<byte[]> blocks = t.blocks(p);
        for (int i = 0; i < blocks.size(); i++) {
            last = store.writeBlockUncommitted(p, i * TorrentFixture.BLOCK, blocks.get(i));
        }
        return last;
    }

    @Test
    void writtenPiecesAreNeitherServedNorResumedUntilCommitted() throws Exception {
        TorrentFixture t = TorrentFixture.create(tmp, 7, TorrentMode.V2_ONLY, PIECE);
        Path dl = tmp.resolve("dl");
        Path state = tmp.resolve("state");
        try (PieceStore store = PieceStore.open(t.metainfo, dl, state, StorageOptions.defaults())) {
            assertEquals(BlockResult.PIECE_WRITTEN, deliverUncommitted(store, t, 0));
            assertEquals(BlockResult.PIECE_WRITTEN, deliverUncommitted(store, t, 2));
            assertEquals(BlockResult.ALREADY_VERIFIED, store.writeBlockUncommitted(0, 0, t.blocks(0).get(0)),
                    "a written piece is not taken twice");
            assertFalse(store.isVerified(0));
            assertTrue(store.readBlock(0, 0, TorrentFixture.BLOCK).isEmpty(), "never served before the commit");
            assertEquals(2, store.uncommittedPieces());
            ResumeData before = ResumeData.decode(java.nio.file.Files.readAllBytes(store.resumeFile()));
            assertTrue(before.verified().isEmpty(), "resume data lists no uncommitted piece");

            BitSet committed = store.commit();
            BitSet expected = new BitSet();
            expected.set(0);
            expected.set(2);
            assertEquals(expected, committed);
            assertEquals(0, store.uncommittedPieces());
            assertTrue(store.isVerified(0) && store.isVerified(2));
            assertTrue(store.readBlock(2, 0, TorrentFixture.BLOCK).isPresent());
            assertEquals(expected, ResumeData.decode(java.nio.file.Files.readAllBytes(store.resumeFile())).verified());
            assertTrue(store.commit().isEmpty(), "nothing left to commit");
        }
        try (PieceStore reopened = PieceStore.open(t.metainfo, dl, state, StorageOptions.defaults())) {
            assertTrue(reopened.openReport().resumeUsed());
            assertEquals(2, reopened.openReport().trustedPieces());
        }
    }

    @Test
    void aCorruptPieceIsRefusedAsBefore() throws Exception {
        TorrentFixture t = TorrentFixture.create(tmp, 8, TorrentMode.V2_ONLY, PIECE);
        try (PieceStore store = PieceStore.open(t.metainfo, tmp.resolve("dl"), tmp.resolve("state"), StorageOptions.defaults())) {
            List<byte[]> blocks = t.blocks(1);
            blocks.get(0)[5] ^= 1;
            BlockResult last = null;
            for (int i = 0; i < blocks.size(); i++) {
                last = store.writeBlockUncommitted(1, i * TorrentFixture.BLOCK, blocks.get(i));
            }
            assertEquals(BlockResult.PIECE_HASH_FAILED, last);
            assertTrue(store.commit().isEmpty());
        }
    }

    @Test
    void closeCommitsWhatWasWritten() throws Exception {
        TorrentFixture t = TorrentFixture.create(tmp, 9, TorrentMode.V2_ONLY, PIECE);
        Path dl = tmp.resolve("dl");
        Path state = tmp.resolve("state");
        try (PieceStore store = PieceStore.open(t.metainfo, dl, state, StorageOptions.defaults())) {
            deliverUncommitted(store, t, 3);
        }
        try (PieceStore reopened = PieceStore.open(t.metainfo, dl, state, StorageOptions.defaults())) {
            assertTrue(reopened.isVerified(3));
        }
    }
}
