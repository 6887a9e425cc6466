package org.veilswarm.metainfo;

import java.util.Objects;
import java.util.Optional;

/**
 * One file of a v2 torrent, in file-tree order.
 *
 * @param path       the file's path inside the file tree (without the torrent's root directory)
 * @param length     length in bytes
 * @param piecesRoot the root of the file's merkle tree; empty exactly when the file is empty
 * @param firstPiece index of the file's first piece: BEP 52 aligns every non-empty file to a piece
 *                   boundary, so pieces never span files
 * @param pieceCount number of pieces the file covers (0 for an empty file)
 */
public record FileEntry(TorrentPath path, long length, Optional<HashValue> piecesRoot, int firstPiece,
                        int pieceCount) {

    public FileEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(piecesRoot, "piecesRoot");
        if (length < 0 || firstPiece < 0 || pieceCount < 0) {
            throw new IllegalArgumentException("negative length or piece index");
        }
        if ((length == 0) != piecesRoot.isEmpty()) {
            throw new IllegalArgumentException("a pieces root is present exactly for non-empty files");
        }
    }

    /** Whether {@code piece layers} must carry this file's layer: BEP 52, "larger than the piece size". */
    public boolean hasPieceLayer(int pieceLength) {
        return length > pieceLength;
    }

    /** Length of the file's {@code localIndex}-th piece; only the last one may be short. */
    public int pieceSize(int localIndex, int pieceLength) {
        if (localIndex < 0 || localIndex >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + localIndex + " of " + pieceCount);
        }
        return (int) Math.min(pieceLength, length - (long) localIndex * pieceLength);
    }
}
