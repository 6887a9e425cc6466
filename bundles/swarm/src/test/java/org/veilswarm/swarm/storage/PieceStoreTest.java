package org.veilswarm.swarm.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.TorrentMode;

class PieceStoreTest {

    private static final int PIECE = 32 * 1024;
    private static final int BLOCK = TorrentFixture.BLOCK;

    @TempDir
    Path tmp;

    private TorrentFixture fixture(TorrentMode mode) throws Exception {
        return TorrentFixture.create(tmp, 42, mode, PIECE);
    }

    private PieceStore open(TorrentFixture t) throws StorageException {
        return PieceStore.open(t.metainfo, tmp.resolve("dl"), tmp.resolve("state"), StorageOptions.defaults());
    }

    private List<Integer> shuffledPieces(TorrentFixture t, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < t.info.pieceCount(); p++) {
            order.add(p);
        }
        Collections.shuffle(order, new Random(seed));
        return order;
    }

    @Test
    void piecesInRandomOrderRebuildEveryFileInPlace() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        try (PieceStore store = open(t)) {
            assertEquals(0, store.verifiedPieces().cardinality());
            for (int p : shuffledPieces(t, 1)) {
                assertEquals(BlockResult.PIECE_VERIFIED, t.deliver(store, p));
            }
            assertTrue(store.isComplete());
        }
        t.assertDownloadEqualsSource(tmp.resolve("dl"));
        assertTrue(Files.isRegularFile(tmp.resolve("dl/share/sub/empty.txt")), "empty files are created too");
    }

    @Test
    void aHybridTorrentWritesNoPadFiles() throws Exception {
        TorrentFixture t = fixture(TorrentMode.HYBRID);
        assertTrue(t.info.isHybrid());
        try (PieceStore store = open(t)) {
            for (int p = 0; p < t.info.pieceCount(); p++) {
                t.deliver(store, p);
            }
            assertTrue(store.isComplete());
        }
        t.assertDownloadEqualsSource(tmp.resolve("dl"));
        try (Stream<Path> all = Files.walk(tmp.resolve("dl"))) {
            assertTrue(all.noneMatch(p -> p.toString().contains(".pad")), "pad files are never written");
        }
    }

    @Test
    void unverifiedDataIsNeverServed() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        try (PieceStore store = open(t)) {
            List<byte[]> blocks = t.blocks(0);
            assertEquals(BlockResult.BUFFERED, store.writeBlock(0, 0, blocks.get(0)));
            assertTrue(store.readBlock(0, 0, BLOCK).isEmpty(), "a buffered block is not served");
            assertEquals(BlockResult.PIECE_VERIFIED, store.writeBlock(0, BLOCK, blocks.get(1)));
            assertArrayEquals(blocks.get(1), store.readBlock(0, BLOCK, BLOCK).orElseThrow());
        }
    }

    @Test
    void aPieceThatFailsItsHashIsDiscardedAndNeverWritten() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        try (PieceStore store = open(t)) {
            List<byte[]> blocks = t.blocks(1);
            byte[] bad = blocks.get(1).clone();
            bad[100] ^= 1;
            store.writeBlock(1, 0, blocks.get(0));
            assertEquals(BlockResult.PIECE_HASH_FAILED, store.writeBlock(1, BLOCK, bad));
            assertFalse(store.isVerified(1));
            assertTrue(store.readBlock(1, 0, BLOCK).isEmpty());
            FileEntry a = t.info.fileAtPiece(1);
            byte[] onDisk = Files.readAllBytes(t.downloadedOf(tmp.resolve("dl"), a));
            assertArrayEquals(new byte[PIECE], Arrays.copyOfRange(onDisk, PIECE, 2 * PIECE), "nothing was written");
            // every block is wanted again: the first good block is buffered, not a duplicate
            assertEquals(BlockResult.BUFFERED, store.writeBlock(1, 0, blocks.get(0)));
            assertEquals(BlockResult.PIECE_VERIFIED, store.writeBlock(1, BLOCK, blocks.get(1)));
        }
    }

    @Test
    void duplicatesAndBlocksOfVerifiedPiecesAreIgnored() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        try (PieceStore store = open(t)) {
            byte[] first = t.blocks(0).get(0);
            store.writeBlock(0, 0, first);
            assertEquals(BlockResult.DUPLICATE_BLOCK, store.writeBlock(0, 0, first));
            t.deliver(store, 0);
            assertEquals(BlockResult.ALREADY_VERIFIED, store.writeBlock(0, 0, first));
        }
    }

    @Test
    void blocksThatDoNotFitThePieceAreRefusedClearly() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        try (PieceStore store = open(t)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.writeBlock(0, 100, new byte[BLOCK]));
            assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.writeBlock(0, 0, new byte[BLOCK - 1]));
            assertThrows(IllegalArgumentException.class, () -> store.writeBlock(0, 2 * BLOCK, new byte[BLOCK]));
            assertThrows(IndexOutOfBoundsException.class, () -> store.writeBlock(t.info.pieceCount(), 0, new byte[BLOCK]));
        }
    }

    /** libtorrent asks for, and sends, a v2 file's tail block zero-padded to 16 KiB (docs/protocols/peer-wire.md). */
    @Test
    void theTailBlockOfAFileMayComeAndGoZeroPadded() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        FileEntry a = t.info.files().get(0); // 300,000 bytes: last piece 5,088 bytes
        int last = a.firstPiece() + a.pieceCount() - 1;
        byte[] tail = t.blocks(last).get(0);
        assertEquals(300_000 % PIECE, tail.length);
        byte[] padded = Arrays.copyOf(tail, BLOCK);
        try (PieceStore store = open(t)) {
            byte[] dirty = padded.clone();
            dirty[BLOCK - 1] = 1;
            assertThrows(IllegalArgumentException.class, () -> store.writeBlock(last, 0, dirty));
            assertEquals(BlockResult.PIECE_VERIFIED, store.writeBlock(last, 0, padded));
            assertArrayEquals(padded, store.readBlock(last, 0, BLOCK).orElseThrow());
            assertArrayEquals(tail, store.readBlock(last, 0, tail.length).orElseThrow());
            // padding is only for the end of a file: a short middle block stays an error
            assertThrows(IllegalArgumentException.class, () -> store.readBlock(0, 0, BLOCK + 1));
        }
        assertEquals(300_000, Files.size(t.downloadedOf(tmp.resolve("dl"), a)), "padding is not written");
    }

    @Test
    void resumeDataIsTrustedWhenFilesAreUnchanged() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        BitSet written = new BitSet();
        try (PieceStore store = open(t)) {
            for (int p = 0; p < t.info.pieceCount(); p += 2) {
                t.deliver(store, p);
                written.set(p);
            }
        }
        try (PieceStore store = open(t)) {
            OpenReport report = store.openReport();
            assertTrue(report.resumeUsed(), report.resumeProblem());
            assertEquals(written.cardinality(), report.trustedPieces());
            assertEquals(0, report.hashedPieces());
            assertEquals(written, store.verifiedPieces());
        }
    }

    @Test
    void piecesOfAFileChangedOutsideAreHashedAgain() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        try (PieceStore store = open(t)) {
            for (int p = 0; p < t.info.pieceCount(); p++) {
                t.deliver(store, p);
            }
        }
        FileEntry a = t.info.files().get(0);
        Path onDisk = t.downloadedOf(tmp.resolve("dl"), a);
        byte[] data = Files.readAllBytes(onDisk);
        data[PIECE * 3 + 5] ^= 0x55; // piece 3 of a.bin
        Files.write(onDisk, data);
        Files.setLastModifiedTime(onDisk, FileTime.fromMillis(Files.getLastModifiedTime(onDisk).toMillis() + 5_000));
        try (PieceStore store = open(t)) {
            OpenReport report = store.openReport();
            assertTrue(report.resumeUsed());
            assertEquals(a.pieceCount(), report.hashedPieces(), "only the changed file is hashed");
            assertEquals(t.info.pieceCount() - a.pieceCount(), report.trustedPieces());
            assertFalse(store.isVerified(a.firstPiece() + 3));
            assertEquals(t.info.pieceCount() - 1, store.verifiedPieces().cardinality());
            assertTrue(store.readBlock(a.firstPiece() + 3, 0, BLOCK).isEmpty());
            assertEquals(BlockResult.PIECE_VERIFIED, t.deliver(store, a.firstPiece() + 3));
        }
        t.assertDownloadEqualsSource(tmp.resolve("dl"));
    }

    @Test
    void aCorruptResumeFileMeansAFullRecheck() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        Path resume;
        try (PieceStore store = open(t)) {
            t.deliver(store, 0);
            t.deliver(store, 4);
            resume = store.resumeFile();
        }
        byte[] bytes = Files.readAllBytes(resume);
        // claim every piece, in a file that no longer parses: nothing of it may be believed
        Files.write(resume, Arrays.copyOf(bytes, bytes.length - 3));
        try (PieceStore store = open(t)) {
            OpenReport report = store.openReport();
            assertFalse(report.resumeUsed());
            assertTrue(report.resumeProblem().contains("bencoding"), report.resumeProblem());
            assertEquals(t.info.pieceCount(), report.hashedPieces());
            assertEquals(bits(0, 4), store.verifiedPieces());
        }
    }

    @Test
    void resumeDataOfAnotherTorrentIsNotBelieved() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        Path resume;
        try (PieceStore store = open(t)) {
            t.deliver(store, 2);
            resume = store.resumeFile();
        }
        ResumeData real = ResumeData.decode(Files.readAllBytes(resume));
        BitSet all = new BitSet();
        all.set(0, t.info.pieceCount());
        byte[] otherHash = real.infoHash();
        otherHash[0] ^= 1;
        Files.write(resume, new ResumeData(otherHash, real.pieceCount(), all, real.files()).encode());
        try (PieceStore store = open(t)) {
            assertFalse(store.openReport().resumeUsed());
            assertTrue(store.openReport().resumeProblem().contains("another torrent"));
            assertEquals(bits(2), store.verifiedPieces());
        }
    }

    @Test
    void withoutResumeDataEveryPieceOnDiskIsHashed() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        Path resume;
        try (PieceStore store = open(t)) {
            t.deliver(store, 1);
            t.deliver(store, t.info.pieceCount() - 1);
            resume = store.resumeFile();
        }
        Files.delete(resume);
        try (PieceStore store = open(t)) {
            assertEquals("no resume file", store.openReport().resumeProblem());
            assertEquals(bits(1, t.info.pieceCount() - 1), store.verifiedPieces());
        }
        assertTrue(Files.exists(resume), "a fresh checkpoint is written at open");
    }

    @Test
    void aSymbolicLinkInTheDownloadTreeIsNeverFollowed() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(tmp.resolve("dl"));
        Files.createSymbolicLink(tmp.resolve("dl/share"), outside);
        StorageException e = assertThrows(StorageException.class, () -> open(t));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        try (Stream<Path> s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing was created through the link");
        }
    }

    @Test
    void aSymbolicLinkInPlaceOfAFileIsNeverFollowed() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        Path victim = Files.write(tmp.resolve("victim"), new byte[] {1, 2, 3});
        Files.createDirectories(tmp.resolve("dl/share"));
        Files.createSymbolicLink(tmp.resolve("dl/share/a.bin"), victim);
        assertThrows(StorageException.class, () -> open(t));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(victim));
    }

    @Test
    void aFullDiskFailsThisTorrentsStorageOnly() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        AtomicInteger pieceWrites = new AtomicInteger();
        FileAccess fillsUp = path -> new FailingFile(FileAccess.noFollow().open(path), () -> {
            if (pieceWrites.incrementAndGet() == 3) {
                throw new IOException("No space left on device");
            }
        });
        PieceStore failing = PieceStore.open(t.metainfo, tmp.resolve("dl"), tmp.resolve("state"),
                StorageOptions.defaults().withFileAccess(fillsUp));
        PieceStore healthy = PieceStore.open(t.metainfo, tmp.resolve("dl2"), tmp.resolve("state2"), StorageOptions.defaults());
        assertEquals(BlockResult.PIECE_VERIFIED, t.deliver(failing, 0));
        assertEquals(BlockResult.PIECE_VERIFIED, t.deliver(failing, 1));
        StorageException e = assertThrows(StorageException.class, () -> t.deliver(failing, 2));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals(StorageState.FAILED, failing.state());
        assertTrue(failing.failureReason().orElseThrow().contains("No space left on device"));
        assertFalse(failing.isVerified(2), "a piece that was not written is not have");
        StorageException after = assertThrows(StorageException.class, () -> failing.readBlock(0, 0, BLOCK));
        assertTrue(after.getMessage().contains("failed"), after.getMessage());
        failing.close();
        assertEquals(StorageState.FAILED, failing.state());
        for (int p = 0; p < t.info.pieceCount(); p++) {
            t.deliver(healthy, p);
        }
        assertTrue(healthy.isComplete());
        healthy.close();
        // what the failed store had verified before the failure survives it
        try (PieceStore reopened = open(t)) {
            assertEquals(bits(0, 1), reopened.verifiedPieces());
        }
    }

    @Test
    void permissionDeniedIsAClearStorageError() throws Exception {
        TorrentFixture t = fixture(TorrentMode.V2_ONLY);
        // Tests run as root, where chmod 0500 does not stop writes: the file system's answer is injected.
        FileAccess readOnly = path -> {
            throw new AccessDeniedException(path.toString());
        };
        StorageException e = assertThrows(StorageException.class, () -> PieceStore.open(t.metainfo, tmp.resolve("dl"),
                tmp.resolve("state"), StorageOptions.defaults().withFileAccess(readOnly)));
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
        assertTrue(e.getMessage().contains("a.bin"), e.getMessage());
    }

    private static BitSet bits(int... pieces) {
        BitSet b = new BitSet();
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }

    /** A real file whose piece-sized writes (not the one-byte pre-allocation) first run {@code beforeWrite}. */
    private static final class FailingFile implements StorageFile {
        interface Check {
            void run() throws IOException;
        }

        private final StorageFile delegate;
        private final Check beforeWrite;

        FailingFile(StorageFile delegate, Check beforeWrite) {
            this.delegate = delegate;
            this.beforeWrite = beforeWrite;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (src.remaining() > 1) {
                beforeWrite.run();
            }
            return delegate.write(src, position);
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public void force() throws IOException {
            delegate.force();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
