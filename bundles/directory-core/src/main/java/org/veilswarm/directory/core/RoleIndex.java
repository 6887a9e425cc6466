package org.veilswarm.directory.core;

import java.util.Objects;

/**
 * What the header commits to for one {@link org.veilswarm.api.directory.RelayRole}: the root of that role's
 * tree, the sum of the weights of its relays (the range clients draw from) and how many leaves it has.
 */
public record RoleIndex(byte[] root, long bandwidthSum, long relayCount) {
    public RoleIndex {
        root = Objects.requireNonNull(root, "root").clone();
        if (root.length != 32) {
            throw new IllegalArgumentException("root must be 32 bytes");
        }
        if (relayCount < 0 || relayCount > RelayMerkleTree.MAX_RELAYS) {
            throw new IllegalArgumentException("relay count out of range: " + relayCount);
        }
        if (bandwidthSum < relayCount || (relayCount == 0 && bandwidthSum != 0)) {
            throw new IllegalArgumentException("every leaf owns at least one unit of bandwidth: sum " + bandwidthSum
                    + " for " + relayCount + " relays");
        }
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoleIndex r && java.util.Arrays.equals(root, r.root) && bandwidthSum == r.bandwidthSum
                && relayCount == r.relayCount;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(root) * 31 + Long.hashCode(bandwidthSum) * 17 + Long.hashCode(relayCount);
    }
}
