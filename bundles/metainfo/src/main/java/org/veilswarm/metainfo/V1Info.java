package org.veilswarm.metainfo;

import java.util.List;
import java.util.Objects;

/**
 * The BEP 3 half of a hybrid torrent: SHA-1 piece hashes and the v1 file list, with BEP 47 pad files
 * that reproduce the piece alignment of the v2 layout (BEP 52, "Upgrade Path").
 *
 * @param singleFileForm true when the info dictionary used {@code length} instead of {@code files}
 * @param files          v1 files in order, pad files included
 */
public record V1Info(byte[] pieces, boolean singleFileForm, List<V1File> files) {

    public V1Info {
        Objects.requireNonNull(pieces, "pieces");
        pieces = pieces.clone();
        files = List.copyOf(files);
    }

    @Override
    public byte[] pieces() {
        return pieces.clone();
    }

    public int pieceCount() {
        return pieces.length / HashValue.SHA1_LENGTH;
    }

    public HashValue pieceHash(int index) {
        return HashValue.of(java.util.Arrays.copyOfRange(pieces, index * HashValue.SHA1_LENGTH,
                (index + 1) * HashValue.SHA1_LENGTH));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof V1Info v && singleFileForm == v.singleFileForm && files.equals(v.files)
                && java.util.Arrays.equals(pieces, v.pieces);
    }

    @Override
    public int hashCode() {
        return Objects.hash(singleFileForm, files, java.util.Arrays.hashCode(pieces));
    }

    @Override
    public String toString() {
        return "V1Info[" + pieceCount() + " pieces, " + files.size() + " files]";
    }

    /**
     * A v1 file entry.
     *
     * @param path    relative path (for pad files, conventionally {@code .pad/<length>}); for the single-file
     *                form, the torrent's name
     * @param padding whether BEP 47 marks it as a pad file ({@code attr} contains {@code p})
     */
    public record V1File(TorrentPath path, long length, boolean padding) {
    }
}
