package org.veilswarm.metainfo;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code piece layers} of a v2 torrent (BEP 52): for each file longer than one piece, the hashes
 * of its piece layer, keyed by pieces root. Only validated layers get in: each has one 32-byte hash
 * per piece of its file, and they hash up to the file's pieces root.
 */
public final class PieceLayers {

    private final Map<HashValue, byte[]> layers;

    private PieceLayers(Map<HashValue, byte[]> layers) {
        this.layers = layers;
    }

    /**
     * Checks {@code candidates} against {@code info} and keeps the layers its files need. Entries no
     * file refers to are ignored (they are covered by no hash, so they cannot be trusted or used).
     *
     * @throws MetainfoException when a needed layer is missing, has the wrong length, or does not hash
     *                           to its pieces root
     */
    public static PieceLayers validate(InfoDictionary info, Map<HashValue, byte[]> candidates) throws MetainfoException {
        Map<HashValue, byte[]> kept = new HashMap<>();
        int pieceLength = info.pieceLength();
        for (FileEntry file : info.files()) {
            if (!file.hasPieceLayer(pieceLength)) {
                continue;
            }
            HashValue root = file.piecesRoot().orElseThrow();
            byte[] layer = candidates.get(root);
            if (layer == null) {
                throw new MetainfoException("piece layers: no layer for " + info.displayPath(file) + " (pieces root "
                        + root.hex() + ")");
            }
            // Identical files share one layer, but each file's piece count must fit it: a hostile torrent
            // may give two files of different lengths the same root (found by MetainfoFuzzTest).
            long expected = (long) file.pieceCount() * MerkleTree.HASH_LENGTH;
            if (layer.length != expected) {
                throw new MetainfoException("piece layers: layer of " + info.displayPath(file) + " has " + layer.length
                        + " bytes, expected " + expected + " (" + file.pieceCount() + " pieces of 32 bytes)");
            }
            if (kept.containsKey(root)) {
                continue;
            }
            if (!root.contentEquals(MerkleTree.rootFromPieceLayer(layer, pieceLength))) {
                throw new MetainfoException("piece layers: layer of " + info.displayPath(file)
                        + " does not hash to its pieces root " + root.hex());
            }
            kept.put(root, layer.clone());
        }
        return new PieceLayers(Collections.unmodifiableMap(kept));
    }

    /** A copy of the layer of {@code file}; empty for files of at most one piece. */
    public Optional<byte[]> layer(FileEntry file) {
        return file.piecesRoot().map(layers::get).map(byte[]::clone);
    }

    /** The expected piece-layer hash of the file's {@code localIndex}-th piece. */
    public Optional<byte[]> pieceHash(FileEntry file, int localIndex) {
        byte[] layer = file.piecesRoot().map(layers::get).orElse(null);
        if (layer == null || localIndex < 0 || localIndex >= file.pieceCount()) {
            return Optional.empty();
        }
        int from = localIndex * MerkleTree.HASH_LENGTH;
        return Optional.of(Arrays.copyOfRange(layer, from, from + MerkleTree.HASH_LENGTH));
    }

    /** All layers by pieces root (copies). */
    public Map<HashValue, byte[]> asMap() {
        Map<HashValue, byte[]> copy = new HashMap<>();
        layers.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    public int size() {
        return layers.size();
    }
}
