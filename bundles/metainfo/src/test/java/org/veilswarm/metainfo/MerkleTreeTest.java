package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MerkleTreeTest {

    private static final int B = MerkleTree.BLOCK_SIZE;

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            sha.update(p);
        }
        return sha.digest();
    }

    static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** BEP 52 read literally: all layers of the tree, leaves padded with zeros to a power of two. */
    static List<List<byte[]>> referenceTree(byte[] file) throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        for (int off = 0; off < file.length; off += B) {
            leaves.add(sha256(Arrays.copyOfRange(file, off, Math.min(file.length, off + B))));
        }
        int width = 1;
        while (width < leaves.size()) {
            width *= 2;
        }
        while (leaves.size() < width) {
            leaves.add(new byte[32]);
        }
        List<List<byte[]>> layers = new ArrayList<>();
        layers.add(leaves);
        while (layers.get(layers.size() - 1).size() > 1) {
            List<byte[]> below = layers.get(layers.size() - 1);
            List<byte[]> above = new ArrayList<>();
            for (int i = 0; i < below.size(); i += 2) {
                above.add(sha256(below.get(i), below.get(i + 1)));
            }
            layers.add(above);
        }
        return layers;
    }

    @Test
    void aFileOfOneBlockHasItsSha256AsRoot() throws Exception {
        byte[] file = random(1000, 1);
        assertArrayEquals(sha256(file), MerkleTree.piecesRoot(file));
        byte[] full = random(B, 2);
        assertArrayEquals(sha256(full), MerkleTree.piecesRoot(full));
    }

    @Test
    void threeBlocksArePaddedWithAZeroLeaf() throws Exception {
        byte[] file = random(2 * B + 5, 3);
        byte[] h0 = sha256(Arrays.copyOfRange(file, 0, B));
        byte[] h1 = sha256(Arrays.copyOfRange(file, B, 2 * B));
        byte[] h2 = sha256(Arrays.copyOfRange(file, 2 * B, file.length));
        byte[] expected = sha256(sha256(h0, h1), sha256(h2, new byte[32]));
        assertArrayEquals(expected, MerkleTree.piecesRoot(file));
    }

    @Test
    void zeroSubtreesHashUpwards() throws Exception {
        assertArrayEquals(new byte[32], MerkleTree.zeroSubtreeRoot(0));
        assertArrayEquals(sha256(new byte[64]), MerkleTree.zeroSubtreeRoot(1));
        byte[] z1 = sha256(new byte[64]);
        assertArrayEquals(sha256(z1, z1), MerkleTree.zeroSubtreeRoot(2));
    }

    @Test
    void emptyFilesHaveNoRoot() {
        assertNull(MerkleTree.piecesRoot(new byte[0]));
    }

    @ParameterizedTest(name = "{0} bytes, piece {1}")
    @CsvSource({
        "16385, 16384", "32768, 16384", "100000, 32768", "65536, 32768", "65537, 32768", "300000, 65536",
        "1048576, 65536", "1000000, 131072", "5, 16384", "16384, 65536", "40000, 65536",
    })
    void pieceLayerAndRootMatchTheLiteralDefinition(int length, int pieceLength) throws Exception {
        byte[] file = random(length, length);
        List<List<byte[]>> tree = referenceTree(file);
        byte[] root = tree.get(tree.size() - 1).get(0);
        assertArrayEquals(root, MerkleTree.piecesRoot(file));
        if (length > pieceLength) {
            int level = MerkleTree.pieceLayerLevel(pieceLength);
            int pieces = (length + pieceLength - 1) / pieceLength;
            byte[] layer = MerkleTree.pieceLayer(file, pieceLength);
            assertEquals(pieces * 32, layer.length, "only pieces with data are in the layer");
            for (int i = 0; i < pieces; i++) {
                assertArrayEquals(tree.get(level).get(i), Arrays.copyOfRange(layer, i * 32, i * 32 + 32), "piece " + i);
            }
            assertArrayEquals(root, MerkleTree.rootFromPieceLayer(layer, pieceLength));
        }
        assertEquals(tree.size() - 1, MerkleTree.treeHeight(length));
    }

    @Test
    void layerPaddingUsesZeroSubtreeHashesNotZeros() throws Exception {
        // Three pieces of 32 KiB: the fourth layer slot must be the hash of two zero leaves.
        byte[] file = random(3 * 32768, 9);
        byte[] layer = MerkleTree.pieceLayer(file, 32768);
        byte[] p0 = Arrays.copyOfRange(layer, 0, 32);
        byte[] p1 = Arrays.copyOfRange(layer, 32, 64);
        byte[] p2 = Arrays.copyOfRange(layer, 64, 96);
        byte[] right = sha256(p2, MerkleTree.zeroSubtreeRoot(1));
        assertArrayEquals(sha256(sha256(p0, p1), right), MerkleTree.rootFromPieceLayer(layer, 32768));
        byte[] wrong = sha256(sha256(p0, p1), sha256(p2, new byte[32]));
        assertFalse(Arrays.equals(wrong, MerkleTree.rootFromPieceLayer(layer, 32768)));
    }

    @Test
    void proofsFromTheLeafLayerVerifyAndTamperingFails() throws Exception {
        byte[] file = random(37 * B + 100, 11); // 38 blocks, 64 leaves, height 6
        byte[] root = MerkleTree.piecesRoot(file);
        byte[] leaves = MerkleTree.leafHashes(file, 0, file.length);
        for (int width : new int[] {1, 2, 4, 8}) {
            for (int index = 0; index < 38; index += width) {
                int count = Math.min(width, 38 - index);
                byte[] hashes = Arrays.copyOfRange(leaves, index * 32, (index + count) * 32);
                byte[] uncles = MerkleTree.uncles(leaves, 0, file.length, index, width);
                assertEquals((6 - Integer.numberOfTrailingZeros(width)) * 32, uncles.length);
                assertTrue(MerkleTree.verifyHashes(root, file.length, 0, index, width, hashes, uncles),
                        "width " + width + " index " + index);
                byte[] tampered = hashes.clone();
                tampered[0] ^= 1;
                assertFalse(MerkleTree.verifyHashes(root, file.length, 0, index, width, tampered, uncles));
                if (uncles.length > 0) {
                    byte[] badUncles = uncles.clone();
                    badUncles[badUncles.length - 1] ^= 1;
                    assertFalse(MerkleTree.verifyHashes(root, file.length, 0, index, width, hashes, badUncles));
                }
            }
        }
    }

    @Test
    void proofsFromThePieceLayerVerify() throws Exception {
        int pieceLength = 65536;
        byte[] file = random(11 * pieceLength + 7, 12); // 12 pieces, 16 piece slots
        byte[] root = MerkleTree.piecesRoot(file);
        byte[] layer = MerkleTree.pieceLayer(file, pieceLength);
        int level = MerkleTree.pieceLayerLevel(pieceLength);
        byte[] hashes = Arrays.copyOfRange(layer, 8 * 32, 12 * 32);
        byte[] uncles = MerkleTree.uncles(layer, level, file.length, 8, 8);
        assertTrue(MerkleTree.verifyHashes(root, file.length, level, 8, 8, hashes, uncles),
                "a request for 8 hashes truncated to 4 by the end of the layer");
        assertFalse(MerkleTree.verifyHashes(root, file.length, level, 8, 4, hashes, uncles),
                "the same hashes claimed as a subtree of width 4 need another uncle");
        // The whole layer proves itself with no uncles at all.
        assertTrue(MerkleTree.verifyHashes(root, file.length, level, 0, 16, layer, new byte[0]));
    }

    @Test
    void malformedProofRequestsAreRejectedNotThrown() throws Exception {
        byte[] file = random(4 * B, 13);
        byte[] root = MerkleTree.piecesRoot(file);
        byte[] leaves = MerkleTree.leafHashes(file, 0, file.length);
        assertTrue(MerkleTree.verifyHashes(root, file.length, 0, 0, 4, leaves, new byte[0]));
        assertFalse(MerkleTree.verifyHashes(root, file.length, 0, 1, 2, Arrays.copyOf(leaves, 64), new byte[32]),
                "index must be a multiple of the width");
        assertFalse(MerkleTree.verifyHashes(root, file.length, 0, 0, 4, leaves, new byte[32]), "one uncle too many");
        assertFalse(MerkleTree.verifyHashes(root, file.length, 0, 8, 1, Arrays.copyOf(leaves, 32), new byte[64]),
                "index beyond the layer");
        assertFalse(MerkleTree.verifyHashes(root, file.length, 9, 0, 4, leaves, new byte[0]), "layer above the root");
        assertFalse(MerkleTree.verifyHashes(root, file.length, 0, 0, 2, leaves, new byte[32]), "more hashes than width");
        assertFalse(MerkleTree.verifyHashes(root, file.length, 0, 0, 3, Arrays.copyOf(leaves, 96), new byte[0]),
                "width not a power of two");
        assertFalse(MerkleTree.verifyHashes(root, file.length, 0, 0, 1, new byte[31], new byte[0]));
    }
}
