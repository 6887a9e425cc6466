package org.veilswarm.peerwire;

import java.util.Arrays;
import org.veilswarm.metainfo.MerkleTree;

/**
 * BEP 52 {@code hashes} (id 22): the request's header followed by the base-layer hashes and then the
 * uncle hashes of the proof, 32 bytes each. Verify with {@link #verify}.
 */
public final class Hashes implements PeerMessage {

    private final HashRange range;
    private final byte[] hashes;

    public Hashes(HashRange range, byte[] hashes) {
        if (range == null) {
            throw new IllegalArgumentException("range");
        }
        if (hashes.length == 0 || hashes.length % MerkleTree.HASH_LENGTH != 0) {
            throw new IllegalArgumentException("hashes must be a non-empty multiple of 32 bytes: " + hashes.length);
        }
        this.range = range;
        this.hashes = hashes.clone();
    }

    public HashRange range() {
        return range;
    }

    /** All hashes: base layer first, then uncles. */
    public byte[] hashes() {
        return hashes.clone();
    }

    public int hashCount() {
        return hashes.length / MerkleTree.HASH_LENGTH;
    }

    /** The first {@code min(length, count)} hashes: the requested base layer. */
    public byte[] baseHashes() {
        int n = Math.min(range.length(), hashCount());
        return Arrays.copyOf(hashes, n * MerkleTree.HASH_LENGTH);
    }

    /** The hashes after the base layer. */
    public byte[] uncleHashes() {
        int n = Math.min(range.length(), hashCount());
        return Arrays.copyOfRange(hashes, n * MerkleTree.HASH_LENGTH, hashes.length);
    }

    byte[] wire() {
        return hashes;
    }

    /**
     * Whether these hashes prove against the file's pieces root. A reply may carry fewer uncles than
     * the full path to the root (BEP 52 lets the responder omit the ones the requester already has), so
     * the caller supplies {@code knownUncles}, the missing upper ones, possibly empty.
     */
    public boolean verify(long fileLength, byte[] knownUncles) {
        byte[] uncles = uncleHashes();
        byte[] all = Arrays.copyOf(uncles, uncles.length + knownUncles.length);
        System.arraycopy(knownUncles, 0, all, uncles.length, knownUncles.length);
        return MerkleTree.verifyHashes(range.piecesRoot().bytes(), fileLength, range.baseLayer(), range.index(),
                range.length(), baseHashes(), all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hashes h && range.equals(h.range) && Arrays.equals(hashes, h.hashes);
    }

    @Override
    public int hashCode() {
        return range.hashCode() * 31 + Arrays.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "Hashes[" + range + ", " + hashCount() + " hashes]";
    }
}
