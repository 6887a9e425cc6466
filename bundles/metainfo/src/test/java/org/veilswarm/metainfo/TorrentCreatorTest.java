package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorrentCreatorTest {

    @TempDir
    Path dir;

    @Test
    void aSingleFileBecomesASingleFileTree() throws Exception {
        byte[] content = Content.bytes(300_000, 1);
        Path file = Files.write(dir.resolve("single.bin"), content);
        Metainfo m = TorrentCreator.forPath(file).pieceLength(65536).create().metainfo();
        InfoDictionary info = m.info();
        assertTrue(info.isSingleFile());
        assertEquals("single.bin", info.name());
        assertEquals(1, info.files().size());
        FileEntry f = info.files().get(0);
        assertEquals("single.bin", f.path().toString());
        assertArrayEquals(MerkleTree.piecesRoot(content), f.piecesRoot().orElseThrow().bytes());
        assertArrayEquals(MerkleTree.pieceLayer(content, 65536), m.pieceLayers().layer(f).orElseThrow());
        assertEquals(5, info.pieceCount());
        assertEquals(dir.toAbsolutePath().resolve("single.bin"), info.resolveUnder(f, dir));
    }

    @Test
    void aSingleFileHybridUsesLengthAndUnpaddedV1Pieces() throws Exception {
        byte[] content = Content.bytes(100_000, 2);
        Path file = Files.write(dir.resolve("f.bin"), content);
        InfoDictionary info = TorrentCreator.forPath(file).pieceLength(32768).mode(TorrentMode.HYBRID).create()
                .metainfo().info();
        V1Info v1 = info.v1().orElseThrow();
        assertTrue(v1.singleFileForm());
        assertEquals(4, v1.pieceCount());
        byte[] last = java.util.Arrays.copyOfRange(content, 3 * 32768, content.length);
        assertArrayEquals(MetainfoParser.digest("SHA-1", last), v1.pieceHash(3).bytes(),
                "the last piece of the torrent is not padded");
    }

    @Test
    void aFolderHybridPadsUnalignedFilesAndHashesThePadding() throws Exception {
        Path folder = Content.mixedFolder(dir, "content");
        Metainfo m = TorrentCreator.forPath(folder).pieceLength(32768).mode(TorrentMode.HYBRID).create().metainfo();
        V1Info v1 = m.info().v1().orElseThrow();
        byte[] ax = Files.readAllBytes(folder.resolve("a/x"));
        byte[] padded = java.util.Arrays.copyOf(ax, 32768);
        assertArrayEquals(MetainfoParser.digest("SHA-1", padded), v1.pieceHash(0).bytes(),
                "BEP 47: the v1 piece covers the file and its zero pad file");
        assertTrue(m.info().rootDirectory().isPresent());
        assertEquals(8, v1.pieceCount());
    }

    @Test
    void aPadLongerThanOneBlockIsHashedAsZerosToThePieceBoundary() throws Exception {
        Path folder = dir.resolve("padded");
        Content.write(folder.resolve("a.bin"), 100); // a pad of 262,044 bytes: many 16 KiB chunks of zeros
        Content.write(folder.resolve("b.bin"), 300_000);
        Metainfo m = TorrentCreator.forPath(folder).pieceLength(262144).mode(TorrentMode.HYBRID).create().metainfo();
        byte[] padded = java.util.Arrays.copyOf(Files.readAllBytes(folder.resolve("a.bin")), 262144);
        assertArrayEquals(MetainfoParser.digest("SHA-1", padded), m.info().v1().orElseThrow().pieceHash(0).bytes());
    }

    @Test
    void outputIsDeterministicWhateverTheThreadCount() throws Exception {
        Path folder = Content.mixedFolder(dir, "content");
        Content.write(folder.resolve("big.bin"), 3_000_000);
        byte[] one = TorrentCreator.forPath(folder).pieceLength(16384).mode(TorrentMode.HYBRID).threads(1).create().bytes();
        byte[] four = TorrentCreator.forPath(folder).pieceLength(16384).mode(TorrentMode.HYBRID).threads(4).create().bytes();
        assertArrayEquals(one, four);
        byte[] again = TorrentCreator.forPath(folder).pieceLength(16384).mode(TorrentMode.HYBRID).threads(3).create().bytes();
        assertArrayEquals(one, again);
    }

    @Test
    void everyPieceOfACreatedTorrentVerifiesAgainstTheData() throws Exception {
        Path folder = dir.resolve("data");
        int[] sizes = {1, 16383, 16384, 16385, 65536, 65537, 200_000, 1 << 20};
        for (int i = 0; i < sizes.length; i++) {
            Content.write(folder.resolve("f" + i), sizes[i]);
        }
        for (int pieceLength : new int[] {16384, 65536, 262144}) {
            Metainfo m = TorrentCreator.forPath(folder).pieceLength(pieceLength).create().metainfo();
            InfoDictionary info = m.info();
            for (int piece = 0; piece < info.pieceCount(); piece++) {
                FileEntry f = info.fileAtPiece(piece);
                byte[] data = Files.readAllBytes(info.resolveUnder(f, dir));
                int local = piece - f.firstPiece();
                long start = (long) local * pieceLength;
                byte[] pieceData = java.util.Arrays.copyOfRange(data, (int) start,
                        (int) (start + f.pieceSize(local, pieceLength)));
                assertTrue(m.verifyPiece(piece, pieceData), "piece " + piece + " at " + pieceLength);
            }
        }
    }

    @Test
    void autoPieceLengthAimsAtAFewThousandPieces() {
        assertEquals(16384, TorrentCreator.autoPieceLength(1));
        assertEquals(16384, TorrentCreator.autoPieceLength(4096L * 16384));
        assertEquals(32768, TorrentCreator.autoPieceLength(4096L * 16384 + 1));
        assertEquals(65536, TorrentCreator.autoPieceLength(256L << 20));
        assertEquals(16 << 20, TorrentCreator.autoPieceLength(1L << 40), "capped at 16 MiB");
        for (long size = 1; size < (1L << 36); size = size * 3 + 7) {
            int pl = TorrentCreator.autoPieceLength(size);
            assertEquals(1, Integer.bitCount(pl));
            assertTrue((size + pl - 1) / pl <= 4096);
        }
    }

    @Test
    void pieceLengthIsChosenWhenNotGiven() throws Exception {
        Content.write(dir.resolve("f"), 100_000_000);
        Metainfo m = TorrentCreator.forPath(dir.resolve("f")).create().metainfo();
        assertEquals(32768, m.info().pieceLength());
        assertEquals(3052, m.info().pieceCount());
    }

    @Test
    void symbolicLinksAreErrorsUnlessSkippingIsAllowed() throws Exception {
        Path folder = dir.resolve("content");
        Content.write(folder.resolve("real.bin"), 1000);
        Files.createSymbolicLink(folder.resolve("link.bin"), folder.resolve("real.bin"));
        Files.createSymbolicLink(folder.resolve("outside"), Path.of("/etc"));
        MetainfoException e = assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(folder).create());
        assertTrue(e.getMessage().contains("symbolic link"), e::getMessage);

        List<String> skipped = Collections.synchronizedList(new ArrayList<>());
        Metainfo m = TorrentCreator.forPath(folder).skipUnsupportedFiles(true)
                .progressListener(new HashingProgressListener() {
                    @Override
                    public void progress(long done, long total) {
                    }

                    @Override
                    public void skipped(Path path, String reason) {
                        skipped.add(path.getFileName() + ": " + reason);
                    }
                }).create().metainfo();
        assertEquals(List.of("real.bin"), m.info().files().stream().map(f -> f.path().toString()).toList());
        assertEquals(List.of("link.bin: symbolic link", "outside: symbolic link"), skipped);
    }

    @Test
    void specialFilesAreErrors() throws Exception {
        Path folder = dir.resolve("content");
        Content.write(folder.resolve("real.bin"), 1000);
        Process mkfifo = new ProcessBuilder("mkfifo", folder.resolve("pipe").toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo (coreutils) must work");
        MetainfoException e = assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(folder).create());
        assertTrue(e.getMessage().contains("special file"), e::getMessage);
        assertEquals(1, TorrentCreator.forPath(folder).skipUnsupportedFiles(true).create().metainfo().info().files().size());
    }

    @Test
    void emptyDirectoriesAreReportedAndEmptyContentIsRefused() throws Exception {
        Path folder = dir.resolve("content");
        Files.createDirectories(folder.resolve("nothing/here"));
        MetainfoException none = assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(folder).create());
        assertTrue(none.getMessage().contains("no content"), none::getMessage);
        Files.write(folder.resolve("zero"), new byte[0]);
        assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(folder).create());

        Content.write(folder.resolve("data"), 10);
        List<Path> skipped = new ArrayList<>();
        TorrentCreator.forPath(folder).progressListener(new HashingProgressListener() {
            @Override
            public void progress(long done, long total) {
            }

            @Override
            public void skipped(Path path, String reason) {
                skipped.add(path);
            }
        }).create();
        assertEquals(List.of(folder.resolve("nothing/here")), skipped);
    }

    @Test
    void unportableNamesAreRefusedNotRenamed() throws Exception {
        Path folder = dir.resolve("content");
        Content.write(folder.resolve("aux.txt"), 10);
        MetainfoException e = assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(folder).create());
        assertTrue(e.getMessage().contains("reserved device name"), e::getMessage);
        Path ok = Content.write(dir.resolve("ok.bin"), 10);
        assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(ok).name("..").create());
        assertThrows(IllegalArgumentException.class, () -> TorrentCreator.forPath(ok).pieceLength(3 * 16384));
        // A relative source such as "." is named after the folder it stands for.
        Path folderDot = Content.write(dir.resolve("named/f.bin"), 10).getParent().resolve(".");
        assertEquals("named", TorrentCreator.forPath(folderDot).create().metainfo().info().name());
        MetainfoException root = assertThrows(MetainfoException.class, () -> TorrentCreator.forPath(Path.of("/")).create());
        assertTrue(root.getMessage().contains("no name"), root::getMessage);
    }

    @Test
    void progressReachesTheTotalAndNeverExceedsIt() throws Exception {
        Content.write(dir.resolve("f"), 10_000_000);
        AtomicLong last = new AtomicLong(-1);
        AtomicLong max = new AtomicLong();
        List<Long> totals = Collections.synchronizedList(new ArrayList<>());
        TorrentCreator.forPath(dir.resolve("f")).threads(2).progressListener((done, total) -> {
            max.accumulateAndGet(done, Math::max);
            last.set(done);
            totals.add(total);
        }).create();
        assertEquals(10_000_000, last.get(), "the final report is the total");
        assertEquals(10_000_000, max.get());
        assertTrue(totals.stream().allMatch(t -> t == 10_000_000));
        assertTrue(totals.size() >= 10, "at least one report per MiB");
    }

    @Test
    void cancellationStopsHashingAndLeavesNothingBehind() throws Exception {
        Path folder = dir.resolve("content");
        Content.write(folder.resolve("f"), 20_000_000);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        CancelToken token = new CancelToken();
        AtomicLong seen = new AtomicLong();
        TorrentCreationCancelledException e = assertThrows(TorrentCreationCancelledException.class,
                () -> TorrentCreator.forPath(folder).threads(2).cancelToken(token).progressListener((done, total) -> {
                    seen.set(done);
                    token.cancel();
                }).createTo(out.resolve("x.torrent")));
        assertTrue(e.getMessage().contains("cancelled"), e::getMessage);
        assertTrue(seen.get() < 20_000_000, "hashing stopped early, at " + seen.get());
        try (var listing = Files.list(out)) {
            assertEquals(0, listing.count(), "no torrent and no temporary file");
        }
        CancelToken early = new CancelToken();
        early.cancel();
        assertThrows(TorrentCreationCancelledException.class, () -> TorrentCreator.forPath(folder).cancelToken(early).create());
    }

    @Test
    void createToWritesTheTorrentAtomically() throws Exception {
        Path file = Content.write(dir.resolve("f.bin"), 50_000);
        Path target = dir.resolve("f.torrent");
        Files.write(target, new byte[] {1, 2, 3});
        CreatedTorrent created = TorrentCreator.forPath(file).announce("http://127.0.0.1:6969/announce")
                .comment("test").createdBy("veilswarm").creationDate(1_700_000_000L).createTo(target);
        assertArrayEquals(created.bytes(), Files.readAllBytes(target));
        Metainfo m = MetainfoParser.strict().parse(Files.readAllBytes(target));
        assertEquals("http://127.0.0.1:6969/announce", m.announce().orElseThrow());
        assertEquals("veilswarm", m.createdBy().orElseThrow());
        try (var listing = Files.list(dir)) {
            assertEquals(2, listing.count(), "the data file and the torrent, no temporary file");
        }
    }

    @Test
    void aFileThatShrinksWhileHashingIsAnError() throws Exception {
        Path file = Content.write(dir.resolve("f.bin"), 5_000_000);
        IOException e = assertThrows(IOException.class, () -> TorrentCreator.forPath(file).threads(1)
                .progressListener((done, total) -> {
                    try {
                        if (done < total) {
                            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                                ch.truncate(1_000_000);
                            }
                        }
                    } catch (IOException io) {
                        throw new java.io.UncheckedIOException(io);
                    }
                }).create());
        assertTrue(e.getMessage().contains("became shorter"), e::getMessage);
        assertFalse(Files.size(file) == 5_000_000);
    }
}
