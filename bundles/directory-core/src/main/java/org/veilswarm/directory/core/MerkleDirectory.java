package org.veilswarm.directory.core;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayRole;

/**
 * Cache side: what every relay acting as a directory holds for one consensus (the signed header and the
 * trees) and the {@code find} operation. Immutable and thread-safe.
 */
public final class MerkleDirectory {
    private final SignedMerkleHeader header;
    private final byte[] encodedHeader;
    private final Map<RelayRole, RelayMerkleTree> trees;

    MerkleDirectory(SignedMerkleHeader header, Map<RelayRole, RelayMerkleTree> trees) {
        this.header = header;
        this.encodedHeader = header.encode();
        this.trees = new EnumMap<>(trees);
        for (RelayRole role : RelayRole.values()) {
            if (!Arrays.equals(this.trees.get(role).root(), header.header().index(role).root())) {
                throw new IllegalArgumentException("the " + role + " tree does not match the header");
            }
        }
    }

    public SignedMerkleHeader header() {
        return header;
    }

    /** The signed header as clients download it. */
    public byte[] encodedHeader() {
        return encodedHeader.clone();
    }

    /**
     * Answers {@code find <consensus-id> <role> <x>}.
     *
     * @throws DirectoryException if this directory does not hold that consensus or x is outside [0, sum)
     */
    public MerkleAnswer find(byte[] consensusId, RelayRole role, long x) throws DirectoryException {
        if (!Arrays.equals(consensusId, header.header().consensusId())) {
            throw new DirectoryException("unknown consensus " + HexFormat.of().formatHex(consensusId));
        }
        RelayMerkleTree tree = trees.get(role);
        if (x < 0 || x >= tree.bandwidthSum()) {
            throw new DirectoryException(x + " is outside [0, " + tree.bandwidthSum() + ") for " + role);
        }
        return tree.answer(consensusId, x);
    }

    public RelayMerkleTree tree(RelayRole role) {
        return trees.get(role);
    }
}
