package org.veilswarm.directory.http;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.MerkleDirectory;
import org.veilswarm.directory.core.SignedConsensus;
import org.veilswarm.directory.core.SignedMerkleHeader;

/**
 * One period's directory as a directory server holds it: the signed consensus list (plain and gzip-compressed,
 * encoded once) and the merkle trees built from the same list with the authorities' header signatures.
 * Immutable.
 */
public final class PublishedDirectory {
    private final SignedConsensus consensus;
    private final byte[] encoded;
    private final byte[] gzipped;
    private final MerkleDirectory merkle;

    private PublishedDirectory(SignedConsensus consensus, MerkleDirectory merkle) {
        this.consensus = consensus;
        this.encoded = consensus.encode();
        this.gzipped = Gzip.compress(encoded);
        this.merkle = merkle;
    }

    /**
     * Builds the merkle trees from the list (both schemes publish the same relays) and attaches the header
     * signatures. Nothing is verified here: authorities publish what they signed, caches what they verified.
     */
    public static PublishedDirectory of(SignedConsensus consensus, List<HeaderSignature> headerSignatures) {
        MerkleConsensus trees = MerkleConsensus.of(consensus.document());
        return new PublishedDirectory(consensus, trees.serve(headerSignatures));
    }

    /**
     * A cache's copy: the list and a header downloaded separately, which must name the trees this list gives.
     *
     * @throws IllegalArgumentException if the header is for other trees or another period
     */
    public static PublishedDirectory of(SignedConsensus consensus, SignedMerkleHeader header) {
        MerkleConsensus trees = MerkleConsensus.of(consensus.document());
        if (!Arrays.equals(trees.header().consensusId(), header.header().consensusId())) {
            throw new IllegalArgumentException("the merkle header is not the one this consensus list gives");
        }
        return new PublishedDirectory(consensus, trees.serve(header.signatures()));
    }

    public SignedConsensus consensus() {
        return consensus;
    }

    public byte[] encodedConsensus() {
        return encoded.clone();
    }

    byte[] encodedUnsafe() {
        return encoded;
    }

    byte[] gzippedUnsafe() {
        return gzipped;
    }

    public int gzippedLength() {
        return gzipped.length;
    }

    public MerkleDirectory merkle() {
        return merkle;
    }

    @Override
    public String toString() {
        return "PublishedDirectory[" + consensus.document() + "]";
    }

    static PublishedDirectory require(PublishedDirectory d) {
        return Objects.requireNonNull(d, "directory");
    }
}
