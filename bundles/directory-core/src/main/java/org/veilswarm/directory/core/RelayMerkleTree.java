package org.veilswarm.directory.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.ConstantTime;
import org.veilswarm.crypto.Digests;

/**
 * The Merkle tree over one role's relays (docs/protocols/directory-merkle.md §3):
 * leaf = SHA-256("veilswarm-dir-leaf" || role || start || end || descriptor document),
 * node = SHA-256("veilswarm-dir-node" || left || right); a level with an odd number of nodes promotes its
 * last node unchanged to the next level (so every path is at most ceil(log2 n) hashes and a leaf's path
 * shape follows from its index and the leaf count alone). The distinct prefixes keep a leaf from being
 * passed off as an inner node (the second-preimage problem RFC 6962 §2.1 avoids the same way).
 */
public final class RelayMerkleTree {
    /** Largest number of leaves per tree; the header stores counts as u32 but 2^20 bounds the sums. */
    public static final int MAX_RELAYS = 1 << 20;

    private static final byte[] LEAF_TAG = "veilswarm-dir-leaf".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NODE_TAG = "veilswarm-dir-node".getBytes(StandardCharsets.US_ASCII);
    /** The root of a role without relays (its bandwidth sum is 0, so clients never query it). */
    static final byte[] EMPTY_ROOT = Digests.sha256("veilswarm-dir-empty".getBytes(StandardCharsets.US_ASCII));

    private final RelayRole role;
    private final BandwidthRanges<SignedRelayDescriptor> ranges;
    /** levels.get(0) are the leaves, the last level is the root alone. */
    private final List<byte[][]> levels;

    private RelayMerkleTree(RelayRole role, BandwidthRanges<SignedRelayDescriptor> ranges, List<byte[][]> levels) {
        this.role = role;
        this.ranges = ranges;
        this.levels = levels;
    }

    /** Builds the tree of the relays eligible for {@code role} (see {@link BandwidthRanges#of}). */
    public static RelayMerkleTree build(RelayRole role, Collection<SignedRelayDescriptor> relays) {
        return build(role, BandwidthRanges.of(role, relays, SignedRelayDescriptor::descriptor));
    }

    /** Builds the tree of the entries eligible for {@code role} by their assigned flags and weights. */
    public static RelayMerkleTree buildFromEntries(RelayRole role, Collection<ConsensusEntry> entries) {
        BandwidthRanges<ConsensusEntry> byEntry = BandwidthRanges.of(role, entries, ConsensusEntry::relay,
                ConsensusEntry::weight);
        return build(role, byEntry.map(ConsensusEntry::signed));
    }

    private static RelayMerkleTree build(RelayRole role, BandwidthRanges<SignedRelayDescriptor> ranges) {
        List<byte[][]> levels = new ArrayList<>();
        byte[][] level = new byte[ranges.size()][];
        for (int i = 0; i < level.length; i++) {
            level[i] = leafHash(role, ranges.start(i), ranges.end(i), ranges.relay(i).document());
        }
        levels.add(level);
        while (level.length > 1) {
            byte[][] next = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < level.length / 2; i++) {
                next[i] = nodeHash(level[2 * i], level[2 * i + 1]);
            }
            if (level.length % 2 == 1) {
                next[next.length - 1] = level[level.length - 1];
            }
            levels.add(next);
            level = next;
        }
        return new RelayMerkleTree(role, ranges, levels);
    }

    public RelayRole role() {
        return role;
    }

    public int size() {
        return ranges.size();
    }

    public long bandwidthSum() {
        return ranges.sum();
    }

    public BandwidthRanges<SignedRelayDescriptor> ranges() {
        return ranges;
    }

    public byte[] root() {
        return size() == 0 ? EMPTY_ROOT.clone() : levels.get(levels.size() - 1)[0].clone();
    }

    /** What the header commits to for this role. */
    public RoleIndex index() {
        return new RoleIndex(root(), bandwidthSum(), size());
    }

    /** The answer to {@code find} for a number in [0, bandwidth sum). */
    public MerkleAnswer answer(byte[] consensusId, long x) {
        int index = ranges.indexOf(x);
        return new MerkleAnswer(consensusId, role, index, ranges.start(index), ranges.end(index),
                ranges.relay(index).document(), siblings(index));
    }

    /** Sibling hashes from the leaf upwards, skipping levels where the node is promoted without a sibling. */
    List<byte[]> siblings(int index) {
        List<byte[]> path = new ArrayList<>();
        int i = index;
        for (int l = 0; l < levels.size() - 1; l++) {
            byte[][] level = levels.get(l);
            int sibling = i ^ 1;
            if (sibling < level.length) {
                path.add(level[sibling]);
            }
            i /= 2;
        }
        return path;
    }

    static byte[] leafHash(RelayRole role, long start, long end, byte[] document) {
        byte[] input = new byte[LEAF_TAG.length + 17 + document.length];
        ByteBuffer.wrap(input).put(LEAF_TAG).put((byte) role.ordinal()).putLong(start).putLong(end).put(document);
        return Digests.sha256(input);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        byte[] input = new byte[NODE_TAG.length + 64];
        System.arraycopy(NODE_TAG, 0, input, 0, NODE_TAG.length);
        System.arraycopy(left, 0, input, NODE_TAG.length, 32);
        System.arraycopy(right, 0, input, NODE_TAG.length + 32, 32);
        return Digests.sha256(input);
    }

    /** Number of sibling hashes the path of leaf {@code index} has in a tree of {@code count} leaves. */
    static int pathLength(long index, long count) {
        int length = 0;
        long i = index;
        for (long width = count; width > 1; width = (width + 1) / 2) {
            if ((i ^ 1) < width) {
                length++;
            }
            i /= 2;
        }
        return length;
    }

    /** Whether {@code leaf} at {@code index} of {@code count} leaves with {@code path} hashes to {@code root}. */
    static boolean pathReachesRoot(byte[] leaf, long index, long count, List<byte[]> path, byte[] root) {
        byte[] h = leaf;
        int k = 0;
        long i = index;
        for (long width = count; width > 1; width = (width + 1) / 2) {
            long sibling = i ^ 1;
            if (sibling < width) {
                byte[] s = path.get(k++);
                h = (i & 1) == 0 ? nodeHash(h, s) : nodeHash(s, h);
            }
            i /= 2;
        }
        return k == path.size() && ConstantTime.equals(h, root);
    }
}
