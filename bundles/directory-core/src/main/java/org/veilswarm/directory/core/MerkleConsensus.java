package org.veilswarm.directory.core;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;

/**
 * Authority side: one consensus period's trees (one per role) and the unsigned header committing to them.
 * Every authority builds it from the same descriptors and gets the same bytes, so their signatures combine.
 */
public final class MerkleConsensus {
    private final Map<RelayRole, RelayMerkleTree> trees;
    private final MerkleHeader header;

    private MerkleConsensus(Map<RelayRole, RelayMerkleTree> trees, MerkleHeader header) {
        this.trees = trees;
        this.header = header;
    }

    /**
     * Builds the trees. Of several descriptors with one identity the newest (then the lexicographically
     * greatest document, to stay deterministic) is used. Role membership uses the descriptors' flags; the
     * authority decides them before calling this (in this version, the claimed flags).
     */
    public static MerkleConsensus build(Collection<SignedRelayDescriptor> descriptors, Instant validAfter,
            Instant validUntil) {
        Map<RelayDescriptor.Key, SignedRelayDescriptor> newest = new HashMap<>();
        for (SignedRelayDescriptor d : descriptors) {
            newest.merge(d.descriptor().identityKey(), d, MerkleConsensus::newer);
        }
        List<SignedRelayDescriptor> unique = List.copyOf(newest.values());
        Map<RelayRole, RelayMerkleTree> trees = new EnumMap<>(RelayRole.class);
        Map<RelayRole, RoleIndex> indexes = new EnumMap<>(RelayRole.class);
        for (RelayRole role : RelayRole.values()) {
            RelayMerkleTree tree = RelayMerkleTree.build(role, unique);
            trees.put(role, tree);
            indexes.put(role, tree.index());
        }
        return new MerkleConsensus(trees, new MerkleHeader(validAfter, validUntil, indexes));
    }

    /**
     * Builds the trees of an authorities' consensus: role membership by the entries' assigned flags, ranges
     * by their weights, so both schemes publish the same relays with the same weights.
     */
    public static MerkleConsensus fromEntries(Collection<ConsensusEntry> entries, Instant validAfter,
            Instant validUntil) {
        Map<RelayRole, RelayMerkleTree> trees = new EnumMap<>(RelayRole.class);
        Map<RelayRole, RoleIndex> indexes = new EnumMap<>(RelayRole.class);
        for (RelayRole role : RelayRole.values()) {
            RelayMerkleTree tree = RelayMerkleTree.buildFromEntries(role, entries);
            trees.put(role, tree);
            indexes.put(role, tree.index());
        }
        return new MerkleConsensus(trees, new MerkleHeader(validAfter, validUntil, indexes));
    }

    /** Same as {@link #fromEntries} for the relays of a consensus document and its validity period. */
    public static MerkleConsensus of(ConsensusDocument document) {
        return fromEntries(document.entries(), document.validAfter(), document.validUntil());
    }

    private static SignedRelayDescriptor newer(SignedRelayDescriptor a, SignedRelayDescriptor b) {
        int byTime = a.descriptor().published().compareTo(b.descriptor().published());
        if (byTime != 0) {
            return byTime > 0 ? a : b;
        }
        return java.util.Arrays.compareUnsigned(a.document(), b.document()) >= 0 ? a : b;
    }

    public MerkleHeader header() {
        return header;
    }

    public RelayMerkleTree tree(RelayRole role) {
        return trees.get(role);
    }

    /** The directory that serves this consensus with the collected authority signatures. */
    public MerkleDirectory serve(List<HeaderSignature> signatures) {
        return new MerkleDirectory(header.withSignatures(Objects.requireNonNull(signatures, "signatures")), trees);
    }
}
