package org.veilswarm.metainfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated {@code info} dictionary of meta version 2 (BEP 52), possibly hybrid. It keeps its exact
 * bencoded bytes: they are what the info-hashes are computed over and what BEP 9 serves to peers.
 */
public final class InfoDictionary {

    /** BEP 52 {@code meta version}: the only version this implementation understands. */
    public static final int META_VERSION = 2;

    private final String name;
    private final int pieceLength;
    private final List<FileEntry> files;
    private final boolean singleFile;
    private final Optional<PathComponent> rootDirectory;
    private final boolean privateTorrent;
    private final Optional<V1Info> v1;
    private final byte[] bytes;
    private final InfoHashes infoHashes;
    private final int pieceCount;
    private final long totalLength;

    InfoDictionary(String name, int pieceLength, List<FileEntry> files, boolean singleFile,
                   Optional<PathComponent> rootDirectory, boolean privateTorrent, Optional<V1Info> v1, byte[] bytes,
                   InfoHashes infoHashes) {
        this.name = name;
        this.pieceLength = pieceLength;
        this.files = List.copyOf(files);
        this.singleFile = singleFile;
        this.rootDirectory = rootDirectory;
        this.privateTorrent = privateTorrent;
        this.v1 = v1;
        this.bytes = bytes;
        this.infoHashes = infoHashes;
        FileEntry last = this.files.get(this.files.size() - 1);
        this.pieceCount = last.firstPiece() + last.pieceCount();
        this.totalLength = this.files.stream().mapToLong(FileEntry::length).sum();
    }

    /** The advisory display name (BEP 52 {@code name}); malformed UTF-8 shown as U+FFFD. */
    public String name() {
        return name;
    }

    public int pieceLength() {
        return pieceLength;
    }

    /** Files in file-tree order (raw byte order of path components, depth first), empty files included. */
    public List<FileEntry> files() {
        return files;
    }

    /** True when the file tree is a single file at its root (BEP 52 "a single-file torrent"). */
    public boolean isSingleFile() {
        return singleFile;
    }

    /**
     * The directory files are stored under: the torrent's name for multi-file torrents (and for hybrids
     * whose v1 part uses a {@code files} list, as libtorrent does); empty for single-file torrents, whose
     * only file is stored under its own name.
     */
    public Optional<PathComponent> rootDirectory() {
        return rootDirectory;
    }

    public boolean isPrivate() {
        return privateTorrent;
    }

    public boolean isHybrid() {
        return v1.isPresent();
    }

    /** The v1 half of a hybrid torrent. */
    public Optional<V1Info> v1() {
        return v1;
    }

    public InfoHashes infoHashes() {
        return infoHashes;
    }

    /** The exact bencoded bytes of the dictionary (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** Number of pieces in the v2 piece space (each file starts on a new piece). */
    public int pieceCount() {
        return pieceCount;
    }

    /** Sum of the file lengths (no alignment gaps). */
    public long totalLength() {
        return totalLength;
    }

    /** The non-empty file that holds {@code piece}. */
    public FileEntry fileAtPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        int lo = 0;
        int hi = files.size() - 1;
        while (lo < hi) { // last file whose firstPiece <= piece, skipping empty files
            int mid = (lo + hi + 1) >>> 1;
            if (files.get(mid).firstPiece() <= piece) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (files.get(lo).pieceCount() == 0) {
            lo--;
        }
        return files.get(lo);
    }

    /** The file's path as stored: below {@link #rootDirectory()} when there is one. */
    public TorrentPath storagePath(FileEntry file) {
        return rootDirectory.map(root -> file.path().under(root)).orElse(file.path());
    }

    /** Where {@code file} is stored below {@code downloadDir}; never outside it. */
    public Path resolveUnder(FileEntry file, Path downloadDir) throws MetainfoException {
        return storagePath(file).resolveUnder(downloadDir);
    }

    String displayPath(FileEntry file) {
        return PathComponent.printable(file.path().toString());
    }

    @Override
    public String toString() {
        return "InfoDictionary[" + PathComponent.printable(name) + ", " + files.size() + " files, " + pieceCount
                + " pieces of " + pieceLength + (isHybrid() ? ", hybrid" : "") + ", v2 " + infoHashes.v2().hex() + "]";
    }
}
