package org.veilswarm.metainfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The BEP 52 hash tree of one file ("pieces root").
 *
 * <p>Leaves are the SHA-256 digests of consecutive 16 KiB blocks (the last block may be shorter); the
 * leaf layer is padded with 32 zero bytes up to a power of two, and each parent is
 * {@code SHA-256(left || right)}. Consequences this class relies on: a padded subtree of height
 * {@code k} hashes to {@link #zeroSubtreeRoot(int) zeroSubtreeRoot(k)}, not to zeros; the piece layer
 * is the layer whose nodes each cover {@code piece length} bytes, padded above the file's end with
 * {@code zeroSubtreeRoot(log2(piece length / 16 KiB))}; and a file no longer than one piece has no piece
 * layer: its tree has only {@code nextPowerOfTwo(blocks)} leaves (so a file of at most 16 KiB has as
 * root the SHA-256 of its bytes).
 *
 * <p>Hashes are passed as concatenated 32-byte arrays, the form they have in {@code piece layers} and
 * in BEP 52 {@code hashes} messages. All methods are stateless and thread-safe.
 */
public final class MerkleTree {

    /** BEP 52: "constructed from 16KiB blocks of the file". */
    public static final int BLOCK_SIZE = 16 * 1024;
    public static final int HASH_LENGTH = 32;
    /** Enough levels for any file of up to 2^63 bytes. */
    private static final int MAX_LEVEL = 64;
    private static final byte[][] ZERO_SUBTREE_ROOTS = zeroSubtreeRoots();

    private MerkleTree() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[][] zeroSubtreeRoots() {
        MessageDigest sha = sha256();
        byte[][] roots = new byte[MAX_LEVEL + 1][];
        roots[0] = new byte[HASH_LENGTH];
        for (int level = 1; level <= MAX_LEVEL; level++) {
            sha.update(roots[level - 1]);
            sha.update(roots[level - 1]);
            roots[level] = sha.digest();
        }
        return roots;
    }

    /** The root of a subtree of {@code 2^level} zero leaves; level 0 is the 32-byte zero leaf itself. */
    public static byte[] zeroSubtreeRoot(int level) {
        return ZERO_SUBTREE_ROOTS[level].clone();
    }

    /** Number of 16 KiB blocks (leaves with data) of a file. */
    public static long blockCount(long fileLength) {
        return (fileLength + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** Height of the file's tree: log2 of its padded leaf count (0 for a file of one block). */
    public static int treeHeight(long fileLength) {
        long blocks = blockCount(fileLength);
        return blocks <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(blocks - 1);
    }

    /** log2 of the number of blocks in a piece: the level of the piece layer above the leaves. */
    public static int pieceLayerLevel(int pieceLength) {
        return Integer.numberOfTrailingZeros(pieceLength / BLOCK_SIZE);
    }

    public static byte[] blockHash(byte[] data, int offset, int length) {
        MessageDigest sha = sha256();
        sha.update(data, offset, length);
        return sha.digest();
    }

    /** The concatenated leaf hashes of {@code data} (one per started 16 KiB block, no padding). */
    public static byte[] leafHashes(byte[] data, int offset, int length) {
        MessageDigest sha = sha256();
        int blocks = (int) blockCount(length);
        byte[] leaves = new byte[blocks * HASH_LENGTH];
        for (int i = 0; i < blocks; i++) {
            int start = offset + i * BLOCK_SIZE;
            sha.update(data, start, Math.min(BLOCK_SIZE, offset + length - start));
            digestInto(sha, leaves, i * HASH_LENGTH);
        }
        return leaves;
    }

    /**
     * Hashes {@code count} nodes of level {@code level} (concatenated in {@code hashes}), padded with
     * {@code zeroSubtreeRoot(level)} up to {@code width} nodes (a power of two), up to one root.
     */
    public static byte[] subtreeRoot(byte[] hashes, int level, int width) {
        int count = hashes.length / HASH_LENGTH;
        if (hashes.length % HASH_LENGTH != 0 || width < 1 || Integer.bitCount(width) != 1 || count > width) {
            throw new IllegalArgumentException(count + " hashes do not fit a subtree of width " + width);
        }
        byte[] layer = Arrays.copyOf(hashes, width * HASH_LENGTH);
        for (int i = count; i < width; i++) {
            System.arraycopy(ZERO_SUBTREE_ROOTS[level], 0, layer, i * HASH_LENGTH, HASH_LENGTH);
        }
        return reduceInPlace(layer, width, sha256());
    }

    /** Pairwise hashing of {@code width} nodes in {@code layer} until one is left; overwrites the array. */
    static byte[] reduceInPlace(byte[] layer, int width, MessageDigest sha) {
        for (int n = width; n > 1; n /= 2) {
            for (int i = 0; i < n / 2; i++) {
                sha.update(layer, 2 * i * HASH_LENGTH, 2 * HASH_LENGTH);
                digestInto(sha, layer, i * HASH_LENGTH);
            }
        }
        return Arrays.copyOf(layer, HASH_LENGTH);
    }

    static void digestInto(MessageDigest sha, byte[] out, int offset) {
        try {
            sha.digest(out, offset, HASH_LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    static int nextPowerOfTwo(long n) {
        if (n <= 1) {
            return 1;
        }
        long p = Long.highestOneBit(n - 1) << 1;
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many nodes: " + n);
        }
        return (int) p;
    }

    /** The pieces root of a whole file held in memory (empty files have none: returns null). */
    public static byte[] piecesRoot(byte[] file) {
        if (file.length == 0) {
            return null;
        }
        byte[] leaves = leafHashes(file, 0, file.length);
        return subtreeRoot(leaves, 0, nextPowerOfTwo(leaves.length / HASH_LENGTH));
    }

    /**
     * The hash of one piece as it appears in the piece layer: the root of the piece's
     * {@code pieceLength / 16 KiB} leaves, the last piece of a file padded with zero leaves. Only for
     * files longer than one piece; a shorter file's only "piece" is checked against its pieces root.
     */
    public static byte[] pieceLayerHash(byte[] data, int offset, int length, int pieceLength) {
        byte[] leaves = leafHashes(data, offset, length);
        return subtreeRoot(leaves, 0, pieceLength / BLOCK_SIZE);
    }

    /** The piece layer of a whole file held in memory (BEP 52 {@code piece layers} value). */
    public static byte[] pieceLayer(byte[] file, int pieceLength) {
        int pieces = (int) ((file.length + (long) pieceLength - 1) / pieceLength);
        byte[] layer = new byte[pieces * HASH_LENGTH];
        for (int i = 0; i < pieces; i++) {
            int start = i * pieceLength;
            byte[] h = pieceLayerHash(file, start, Math.min(pieceLength, file.length - start), pieceLength);
            System.arraycopy(h, 0, layer, i * HASH_LENGTH, HASH_LENGTH);
        }
        return layer;
    }

    /**
     * The pieces root implied by a piece layer: the layer padded up to a power of two with the hash of
     * an all-zero piece, then reduced.
     */
    public static byte[] rootFromPieceLayer(byte[] layer, int pieceLength) {
        int pieces = layer.length / HASH_LENGTH;
        return subtreeRoot(layer, pieceLayerLevel(pieceLength), nextPowerOfTwo(pieces));
    }

    /**
     * Verifies hashes received for a file (as in a BEP 52 {@code hashes} message) against its pieces
     * root.
     *
     * @param root        the file's pieces root
     * @param fileLength  the file's length, which fixes the tree's height
     * @param baseLayer   level of the given hashes above the leaves (0 = block hashes)
     * @param index       position of the first given hash within its layer; a multiple of
     *                    {@code width} (BEP 52 "Index MUST be a multiple of length")
     * @param width       the subtree's width in base-layer nodes: the request's length rounded up to a
     *                    power of two
     * @param hashes      the concatenated base-layer hashes, at most {@code width}; missing trailing
     *                    ones (a request truncated by the end of the layer) count as padding
     * @param uncles      the concatenated uncle hashes from the first level above the given subtree
     *                    up to just below the root
     * @return whether the hashes and uncles lead exactly to {@code root}
     */
    public static boolean verifyHashes(byte[] root, long fileLength, int baseLayer, long index, int width,
                                       byte[] hashes, byte[] uncles) {
        if (root.length != HASH_LENGTH || fileLength <= 0 || hashes.length == 0 || hashes.length % HASH_LENGTH != 0
                || uncles.length % HASH_LENGTH != 0 || baseLayer < 0 || baseLayer >= MAX_LEVEL || index < 0
                || width < 1 || Integer.bitCount(width) != 1 || hashes.length / HASH_LENGTH > width) {
            return false;
        }
        int height = treeHeight(fileLength);
        int subtreeTop = baseLayer + Integer.numberOfTrailingZeros(width);
        if (subtreeTop > height || index % width != 0 || index >= (1L << (height - baseLayer))
                || uncles.length / HASH_LENGTH != height - subtreeTop) {
            return false;
        }
        MessageDigest sha = sha256();
        byte[] node = subtreeRoot(hashes, baseLayer, width);
        long position = index / width;
        for (int i = 0; i < uncles.length / HASH_LENGTH; i++) {
            if ((position & 1) == 0) {
                sha.update(node);
                sha.update(uncles, i * HASH_LENGTH, HASH_LENGTH);
            } else {
                sha.update(uncles, i * HASH_LENGTH, HASH_LENGTH);
                sha.update(node);
            }
            node = sha.digest();
            position >>= 1;
        }
        return MessageDigest.isEqual(node, root);
    }

    /**
     * The uncle hashes that prove the subtree of {@code width} nodes at {@code (baseLayer, index)}
     * against the root, computed from a complete layer: the inverse of {@link #verifyHashes}. Used to
     * answer hash requests from the piece layer.
     *
     * @param layer      all hashes of layer {@code layerLevel} of the file (unpadded, as in piece layers)
     * @param layerLevel level of {@code layer} above the leaves
     * @param fileLength the file's length
     */
    public static byte[] uncles(byte[] layer, int layerLevel, long fileLength, long index, int width) {
        int height = treeHeight(fileLength);
        int layerWidth = 1 << (height - layerLevel);
        if (Integer.bitCount(width) != 1 || index % width != 0 || index >= layerWidth) {
            throw new IllegalArgumentException("no subtree of width " + width + " at " + index);
        }
        // Rebuild the padded layer and walk up, picking each sibling of the path.
        byte[] current = Arrays.copyOf(layer, layerWidth * HASH_LENGTH);
        for (int i = layer.length / HASH_LENGTH; i < layerWidth; i++) {
            System.arraycopy(ZERO_SUBTREE_ROOTS[layerLevel], 0, current, i * HASH_LENGTH, HASH_LENGTH);
        }
        MessageDigest sha = sha256();
        int n = layerWidth;
        long position = index;
        int level = 0;
        int skip = Integer.numberOfTrailingZeros(width);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (n > 1) {
            if (level >= skip) {
                long sibling = position ^ 1;
                out.write(current, (int) sibling * HASH_LENGTH, HASH_LENGTH);
            }
            for (int i = 0; i < n / 2; i++) {
                sha.update(current, 2 * i * HASH_LENGTH, 2 * HASH_LENGTH);
                digestInto(sha, current, i * HASH_LENGTH);
            }
            n /= 2;
            position >>= 1;
            level++;
        }
        return out.toByteArray();
    }
}
