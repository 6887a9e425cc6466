package org.veilswarm.peerwire;

import org.veilswarm.metainfo.HashValue;

/**
 * The header shared by the BEP 52 hash request, hashes and hash reject messages: which hashes of which
 * file's merkle tree.
 *
 * @param piecesRoot  the file's pieces root (32 bytes)
 * @param baseLayer   level of the requested hashes above the 16 KiB leaves (0 = block hashes)
 * @param index       first hash within the base layer; BEP 52: "a multiple of length"
 * @param length      number of base-layer hashes; BEP 52: "equal-to-or-greater-than two and a power of two"
 * @param proofLayers how many layers above the base layer the proof covers. As libtorrent 2.0 reads it
 *                    (and answers), the layers inside the requested subtree count too: the reply carries
 *                    {@link #uncleCount()} = {@code max(0, proofLayers - log2(length) + 1)} uncle hashes,
 *                    and {@code proofLayers} must be below {@code treeHeight - baseLayer}
 */
public record HashRange(HashValue piecesRoot, int baseLayer, int index, int length, int proofLayers) {

    public HashRange {
        if (piecesRoot == null || piecesRoot.length() != HashValue.SHA256_LENGTH) {
            throw new IllegalArgumentException("pieces root must be 32 bytes");
        }
        if (baseLayer < 0 || index < 0 || proofLayers < 0) {
            throw new IllegalArgumentException("negative base layer, index or proof layers");
        }
        if (length < 2 || Integer.bitCount(length) != 1) {
            throw new IllegalArgumentException("length must be a power of two >= 2: " + Integer.toUnsignedString(length));
        }
        if (index % length != 0) {
            throw new IllegalArgumentException("index " + index + " is not a multiple of length " + length);
        }
    }

    /** The {@code proofLayers} that ask for every uncle up to the pieces root of a tree of that height. */
    public static int proofLayersToRoot(int treeHeight, int baseLayer) {
        return Math.max(0, treeHeight - baseLayer - 1);
    }

    /** log2 of {@code length}: the height of the requested subtree. */
    public int subtreeHeight() {
        return Integer.numberOfTrailingZeros(length);
    }

    /** How many uncle hashes a {@code hashes} reply carries after the {@code length} base hashes. */
    public int uncleCount() {
        return Math.max(0, proofLayers - subtreeHeight() + 1);
    }
}
