package org.veilswarm.directory.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.core.internal.ByteReader;
import org.veilswarm.directory.core.internal.ByteWriter;

/**
 * A directory's answer to {@code find <consensus-id> <role> <x>}: the relay whose range holds x, its range and
 * leaf index, and the sibling hashes from leaf to root (docs/protocols/directory-merkle.md §4).
 */
public record MerkleAnswer(byte[] consensusId, RelayRole role, long leafIndex, long rangeStart, long rangeEnd,
        byte[] descriptor, List<byte[]> path) {
    static final byte[] MAGIC = {'V', 'S', 'M', 'A'};
    static final int FORMAT_VERSION = 1;
    /** A tree of at most 2^20 leaves has at most 20 levels above them. */
    public static final int MAX_PATH = 32;
    static final int FIXED_LENGTH = 4 + 1 + 32 + 1 + 4 + 8 + 8 + 2 + 1;

    public MerkleAnswer {
        consensusId = Objects.requireNonNull(consensusId, "consensusId").clone();
        Objects.requireNonNull(role, "role");
        descriptor = Objects.requireNonNull(descriptor, "descriptor").clone();
        path = path.stream().map(byte[]::clone).toList();
        if (consensusId.length != 32 || path.stream().anyMatch(h -> h.length != 32)) {
            throw new IllegalArgumentException("ids and hashes are 32 bytes");
        }
        if (path.size() > MAX_PATH || descriptor.length > RelayDescriptorDocument.MAX_DOCUMENT_BYTES
                || leafIndex < 0 || leafIndex > 0xffffffffL) {
            throw new IllegalArgumentException("answer field out of range");
        }
    }

    @Override
    public byte[] consensusId() {
        return consensusId.clone();
    }

    @Override
    public byte[] descriptor() {
        return descriptor.clone();
    }

    @Override
    public List<byte[]> path() {
        return path.stream().map(byte[]::clone).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MerkleAnswer a && Arrays.equals(encode(), a.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "MerkleAnswer[" + role + " leaf " + leafIndex + " [" + rangeStart + ", " + rangeEnd + "), "
                + descriptor.length + " B descriptor, " + path.size() + " siblings]";
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(FIXED_LENGTH + descriptor.length + 32 * path.size());
        out.bytes(MAGIC).u8(FORMAT_VERSION).bytes(consensusId).u8(role.ordinal()).u32(leafIndex).u64(rangeStart)
                .u64(rangeEnd).u16(descriptor.length).bytes(descriptor).u8(path.size());
        path.forEach(out::bytes);
        return out.toByteArray();
    }

    /** Strict decoding: every field in range and no byte left over. */
    public static MerkleAnswer decode(byte[] bytes) throws AnswerRejectedException {
        Objects.requireNonNull(bytes, "bytes");
        ByteReader in = new ByteReader(bytes);
        try {
            if (!Arrays.equals(in.bytes(4), MAGIC)) {
                throw malformed("not a merkle answer (magic)");
            }
            int version = in.u8();
            if (version != FORMAT_VERSION) {
                throw malformed("unsupported answer format version " + version);
            }
            byte[] id = in.bytes(32);
            int roleCode = in.u8();
            if (roleCode >= RelayRole.values().length) {
                throw malformed("unknown role code " + roleCode);
            }
            long index = in.u32();
            long start = in.u64();
            long end = in.u64();
            int length = in.u16();
            if (length > RelayDescriptorDocument.MAX_DOCUMENT_BYTES) {
                throw malformed("descriptor of " + length + " bytes");
            }
            byte[] descriptor = in.bytes(length);
            int pathLength = in.u8();
            if (pathLength > MAX_PATH) {
                throw malformed("path of " + pathLength + " hashes");
            }
            List<byte[]> path = new ArrayList<>(pathLength);
            for (int i = 0; i < pathLength; i++) {
                path.add(in.bytes(32));
            }
            if (in.remaining() != 0) {
                throw malformed(in.remaining() + " bytes after the path");
            }
            return new MerkleAnswer(id, RelayRole.values()[roleCode], index, start, end, descriptor, path);
        } catch (ByteReader.TruncatedException e) {
            throw malformed("truncated: " + e.getMessage());
        }
    }

    private static AnswerRejectedException malformed(String detail) {
        return new AnswerRejectedException(AnswerRejectedException.Reason.MALFORMED, detail);
    }
}
