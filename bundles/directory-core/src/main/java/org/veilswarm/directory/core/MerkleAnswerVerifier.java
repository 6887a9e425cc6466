package org.veilswarm.directory.core;

import static org.veilswarm.directory.core.AnswerRejectedException.Reason.*;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;

/**
 * The client's check of a {@code find} answer against a verified header (docs/protocols/directory-merkle.md §5):
 * same consensus, same role, a sane range that holds the drawn number, a leaf index inside the tree, a
 * sibling path of exactly the right length that hashes to the signed root, and (checked last, as the only
 * costly step) a descriptor that parses and carries its relay's valid signature. Thread-safe.
 */
public final class MerkleAnswerVerifier {
    /** Default number of verified leaves remembered (a few times the relays a client picks per consensus). */
    public static final int DEFAULT_CACHE_SIZE = 1024;

    private final RelayDescriptorParser descriptorParser;
    private final Map<RelayDescriptor.Key, RelayDescriptor> verifiedLeaves;

    public MerkleAnswerVerifier(RelayDescriptorParser descriptorParser) {
        this(descriptorParser, DEFAULT_CACHE_SIZE);
    }

    /**
     * @param cacheSize how many verified leaves to remember: a leaf hash that reached a majority-signed root
     *        commits to the exact descriptor bytes, so their relay signature needs checking only once
     */
    public MerkleAnswerVerifier(RelayDescriptorParser descriptorParser, int cacheSize) {
        this.descriptorParser = Objects.requireNonNull(descriptorParser, "descriptorParser");
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cache size cannot be negative");
        }
        this.verifiedLeaves = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<RelayDescriptor.Key, RelayDescriptor> eldest) {
                return size() > cacheSize;
            }
        });
    }

    /** Decodes and verifies; returns the relay the number {@code x} selects. */
    public RelayDescriptor verify(VerifiedHeader header, RelayRole role, long x, byte[] answer)
            throws AnswerRejectedException {
        return verify(header, role, x, MerkleAnswer.decode(answer));
    }

    public RelayDescriptor verify(VerifiedHeader header, RelayRole role, long x, MerkleAnswer answer)
            throws AnswerRejectedException {
        if (!Arrays.equals(answer.consensusId(), header.consensusId())) {
            throw new AnswerRejectedException(WRONG_CONSENSUS, "answer for consensus "
                    + HexFormat.of().formatHex(answer.consensusId(), 0, 8) + "…, expected " + header.header());
        }
        if (answer.role() != role) {
            throw new AnswerRejectedException(WRONG_ROLE, "asked for " + role + ", answer is from the " + answer.role()
                    + " tree");
        }
        RoleIndex index = header.index(role);
        if (answer.rangeStart() < 0 || answer.rangeStart() >= answer.rangeEnd()
                || answer.rangeEnd() > index.bandwidthSum()) {
            throw new AnswerRejectedException(BAD_RANGE, "[" + answer.rangeStart() + ", " + answer.rangeEnd()
                    + ") is not a range inside [0, " + index.bandwidthSum() + ")");
        }
        if (x < answer.rangeStart() || x >= answer.rangeEnd()) {
            throw new AnswerRejectedException(NOT_IN_RANGE, x + " is not in [" + answer.rangeStart() + ", "
                    + answer.rangeEnd() + ")");
        }
        if (answer.leafIndex() >= index.relayCount()) {
            throw new AnswerRejectedException(BAD_INDEX, "leaf " + answer.leafIndex() + " of " + index.relayCount());
        }
        int expected = RelayMerkleTree.pathLength(answer.leafIndex(), index.relayCount());
        if (answer.path().size() != expected) {
            throw new AnswerRejectedException(PATH_LENGTH, answer.path().size() + " sibling hashes, leaf "
                    + answer.leafIndex() + " of " + index.relayCount() + " needs " + expected);
        }
        byte[] leaf = RelayMerkleTree.leafHash(role, answer.rangeStart(), answer.rangeEnd(), answer.descriptor());
        if (!RelayMerkleTree.pathReachesRoot(leaf, answer.leafIndex(), index.relayCount(), answer.path(),
                index.root())) {
            throw new AnswerRejectedException(ROOT_MISMATCH, "the path does not reach the signed " + role + " root");
        }
        // Last, because it is the expensive check: the relay's own signature over its descriptor.
        RelayDescriptor.Key leafKey = new RelayDescriptor.Key(leaf);
        RelayDescriptor descriptor = verifiedLeaves.get(leafKey);
        if (descriptor == null) {
            try {
                descriptor = descriptorParser.parse(answer.descriptor()).descriptor();
            } catch (DescriptorException e) {
                throw new AnswerRejectedException(BAD_DESCRIPTOR, e.getMessage(), e);
            }
            verifiedLeaves.put(leafKey, descriptor);
        }
        return descriptor;
    }
}
