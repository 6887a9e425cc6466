package org.veilswarm.swarm.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.TorrentCreator;
import org.veilswarm.metainfo.TorrentMode;

/** A generated multi-file torrent and its source folder: the "remote peer" of storage tests. */
final class TorrentFixture {

    static final int BLOCK = 16 * 1024;

    final Path source;
    final Metainfo metainfo;
    final InfoDictionary info;
    /** The .torrent file's bytes. */
    final byte[] torrent;

    TorrentFixture(Path source, Metainfo metainfo, byte[] torrent) {
        this.source = source;
        this.metainfo = metainfo;
        this.info = metainfo.info();
        this.torrent = torrent.clone();
    }

    /** Files of awkward sizes: several pieces with a short tail, one exact, one shorter than a piece, one empty. */
    static TorrentFixture create(Path dir, long seed, TorrentMode mode, int pieceLength) throws Exception {
        return create(dir, seed, mode, pieceLength, new long[] {300_000, 2 * 32_768, 20_000, 0});
    }

    static TorrentFixture create(Path dir, long seed, TorrentMode mode, int pieceLength, long[] sizes) throws Exception {
        Path source = dir.resolve("share");
        Files.createDirectories(source.resolve("sub"));
        Random r = new Random(seed);
        String[] names = {"a.bin", "b.bin", "sub/c.bin", "sub/empty.txt", "d.bin", "e.bin"};
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[(int) sizes[i]];
            r.nextBytes(data);
            Files.write(source.resolve(names[i]), data);
        }
        CreatedTorrent created = TorrentCreator.forPath(source).mode(mode).pieceLength(pieceLength).threads(1).create();
        return new TorrentFixture(source, created.metainfo(), created.bytes());
    }

    Path sourceOf(FileEntry f) throws MetainfoException {
        return f.path().resolveUnder(source);
    }

    Path downloadedOf(Path downloadDir, FileEntry f) throws MetainfoException {
        return info.resolveUnder(f, downloadDir);
    }

    byte[] piece(int p) throws IOException, MetainfoException {
        FileEntry f = info.fileAtPiece(p);
        byte[] all = Files.readAllBytes(sourceOf(f));
        int from = (p - f.firstPiece()) * info.pieceLength();
        return Arrays.copyOfRange(all, from, from + f.pieceSize(p - f.firstPiece(), info.pieceLength()));
    }

    List<byte[]> blocks(int p) throws IOException, MetainfoException {
        byte[] piece = piece(p);
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < piece.length; off += BLOCK) {
            out.add(Arrays.copyOfRange(piece, off, Math.min(piece.length, off + BLOCK)));
        }
        return out;
    }

    /** Sends every block of {@code p}; returns the result of the last one. */
    BlockResult deliver(PieceStore store, int p) throws Exception {
        BlockResult last = null;
        List<byte[]> blocks = blocks(p);
        for (int i = 0; i < blocks.size(); i++) {
            last = store.writeBlock(p, i * BLOCK, blocks.get(i));
        }
        return last;
    }

    void assertDownloadEqualsSource(Path downloadDir) throws Exception {
        for (FileEntry f : info.files()) {
            byte[] expected = Files.readAllBytes(sourceOf(f));
            byte[] actual = Files.readAllBytes(downloadedOf(downloadDir, f));
            if (!Arrays.equals(expected, actual)) {
                throw new AssertionError(f.path() + " differs from the source");
            }
        }
    }
}
