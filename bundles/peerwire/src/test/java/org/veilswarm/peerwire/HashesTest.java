package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.MerkleTree;

/** BEP 52 hash ranges and the verification of a hashes reply against a tree built locally. */
class HashesTest {

    private static final int FILE_LENGTH = 300_000; // 19 blocks, tree height 5

    private final byte[] file = new byte[FILE_LENGTH];
    private final byte[] leaves;
    private final HashValue root;

    HashesTest() {
        new Random(21).nextBytes(file);
        leaves = MerkleTree.leafHashes(file, 0, file.length);
        root = HashValue.of(MerkleTree.piecesRoot(file));
    }

    @Test
    void uncleCountFollowsLibtorrentsReadingOfProofLayers() {
        assertEquals(0, new HashRange(root, 2, 0, 8, 2).uncleCount(), "the subtree reaches the root");
        assertEquals(3, new HashRange(root, 0, 0, 4, 4).uncleCount());
        assertEquals(0, new HashRange(root, 0, 0, 2, 0).uncleCount());
        assertEquals(4, HashRange.proofLayersToRoot(5, 0));
        assertEquals(0, HashRange.proofLayersToRoot(1, 1));
    }

    @Test
    void rangesRefuseWhatBep52Forbids() {
        assertThrows(IllegalArgumentException.class, () -> new HashRange(root, 0, 0, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new HashRange(root, 0, 2, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new HashRange(root.truncated(), 0, 0, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new HashRange(root, -1, 0, 2, 0));
    }

    /** Blocks 4..7 with the 3 uncles above them prove against the root; any changed byte does not. */
    @Test
    void hashesVerifyAgainstThePiecesRoot() {
        HashRange range = new HashRange(root, 0, 4, 4, HashRange.proofLayersToRoot(5, 0));
        byte[] uncles = MerkleTree.uncles(leaves, 0, FILE_LENGTH, 4, 4);
        assertEquals(3 * 32, uncles.length);
        byte[] base = Arrays.copyOfRange(leaves, 4 * 32, 8 * 32);
        Hashes reply = new Hashes(range, concat(base, uncles));
        assertTrue(reply.verify(FILE_LENGTH, new byte[0]));

        byte[] tampered = concat(base, uncles);
        tampered[tampered.length - 1] ^= 1;
        assertFalse(new Hashes(range, tampered).verify(FILE_LENGTH, new byte[0]));

        // A reply that stops one layer short is completed with an uncle we already hold.
        Hashes shorter = new Hashes(new HashRange(root, 0, 4, 4, 3), concat(base, Arrays.copyOf(uncles, 64)));
        assertFalse(shorter.verify(FILE_LENGTH, new byte[0]));
        assertTrue(shorter.verify(FILE_LENGTH, Arrays.copyOfRange(uncles, 64, 96)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
