package org.veilswarm.directory.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.internal.ByteReader;
import org.veilswarm.directory.core.internal.ByteWriter;

/**
 * The part of the {@code merkle} scheme's header that authorities sign: a fixed-size binary body of
 * {@value #BODY_LENGTH} bytes (docs/protocols/directory-merkle.md §2). The consensus id is derived from the
 * rest of the body, so it names exactly one set of trees and validity period.
 */
public final class MerkleHeader {
    public static final int BODY_LENGTH = 4 + 1 + 32 + 8 + 8 + 3 * (32 + 8 + 4);
    static final byte[] MAGIC = {'V', 'S', 'M', 'H'};
    static final int FORMAT_VERSION = 1;
    private static final byte[] ID_DOMAIN = "veilswarm-dir-consensus-id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_DOMAIN = "veilswarm-dir-header-signature-v1".getBytes(StandardCharsets.US_ASCII);
    /** Offset of the fields the consensus id is computed from. */
    /** 9999-12-31T23:59:59Z: validity times beyond it are refused (and would not fit an {@link Instant}'s range checks). */
    static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private final byte[] consensusId;
    private final Instant validAfter;
    private final Instant validUntil;
    private final Map<RelayRole, RoleIndex> roles;
    private final byte[] body;

    /**
     * A header for the given validity period and per-role trees.
     *
     * @param roles one entry for each of GUARD, MIDDLE, HSDIR
     */
    public MerkleHeader(Instant validAfter, Instant validUntil, Map<RelayRole, RoleIndex> roles) {
        this.validAfter = Objects.requireNonNull(validAfter, "validAfter");
        this.validUntil = Objects.requireNonNull(validUntil, "validUntil");
        if (validAfter.getNano() != 0 || validUntil.getNano() != 0) {
            throw new IllegalArgumentException("validity times are whole seconds");
        }
        if (validAfter.getEpochSecond() < 0 || validUntil.getEpochSecond() > MAX_EPOCH_SECOND
                || !validUntil.isAfter(validAfter)) {
            throw new IllegalArgumentException("need 1970 <= valid-after < valid-until <= 9999");
        }
        this.roles = new EnumMap<>(RelayRole.class);
        this.roles.putAll(roles);
        if (this.roles.size() != RelayRole.values().length) {
            throw new IllegalArgumentException("the header needs an index for every role, got " + roles.keySet());
        }
        ByteWriter tail = new ByteWriter(BODY_LENGTH);
        tail.u64(validAfter.getEpochSecond()).u64(validUntil.getEpochSecond());
        for (RelayRole role : RelayRole.values()) {
            RoleIndex index = this.roles.get(role);
            tail.bytes(index.root()).u64(index.bandwidthSum()).u32(index.relayCount());
        }
        byte[] tailBytes = tail.toByteArray();
        byte[] idInput = new byte[ID_DOMAIN.length + tailBytes.length];
        System.arraycopy(ID_DOMAIN, 0, idInput, 0, ID_DOMAIN.length);
        System.arraycopy(tailBytes, 0, idInput, ID_DOMAIN.length, tailBytes.length);
        this.consensusId = Digests.sha256(idInput);
        this.body = new ByteWriter(BODY_LENGTH).bytes(MAGIC).u8(FORMAT_VERSION).bytes(consensusId).bytes(tailBytes)
                .toByteArray();
    }

    /** Reads a body (exactly {@value #BODY_LENGTH} bytes) and checks its consensus id. */
    static MerkleHeader decodeBody(byte[] bytes) throws HeaderException {
        if (bytes.length != BODY_LENGTH) {
            throw new HeaderException("header body must be " + BODY_LENGTH + " bytes, got " + bytes.length);
        }
        ByteReader in = new ByteReader(bytes);
        try {
            if (!Arrays.equals(in.bytes(4), MAGIC)) {
                throw new HeaderException("not a merkle header (magic)");
            }
            int version = in.u8();
            if (version != FORMAT_VERSION) {
                throw new HeaderException("unsupported header format version " + version);
            }
            byte[] id = in.bytes(32);
            long after = in.u64();
            long until = in.u64();
            if (after < 0 || until < 0 || after > MAX_EPOCH_SECOND || until > MAX_EPOCH_SECOND) {
                throw new HeaderException("validity time out of range [1970, 9999]");
            }
            Map<RelayRole, RoleIndex> roles = new EnumMap<>(RelayRole.class);
            for (RelayRole role : RelayRole.values()) {
                byte[] root = in.bytes(32);
                long sum = in.u64();
                long count = in.u32();
                try {
                    roles.put(role, new RoleIndex(root, sum, count));
                } catch (IllegalArgumentException e) {
                    throw new HeaderException(role + " index: " + e.getMessage());
                }
            }
            MerkleHeader header;
            try {
                header = new MerkleHeader(Instant.ofEpochSecond(after), Instant.ofEpochSecond(until), roles);
            } catch (IllegalArgumentException e) {
                throw new HeaderException(e.getMessage());
            }
            if (!Arrays.equals(header.consensusId, id)) {
                throw new HeaderException("consensus-id is not the hash of the header fields");
            }
            return header;
        } catch (ByteReader.TruncatedException e) {
            throw new HeaderException("truncated header: " + e.getMessage());
        }
    }

    /** SHA-256(domain || body): the 32 bytes each authority signs. */
    byte[] signedHash() {
        byte[] input = new byte[SIGNATURE_DOMAIN.length + body.length];
        System.arraycopy(SIGNATURE_DOMAIN, 0, input, 0, SIGNATURE_DOMAIN.length);
        System.arraycopy(body, 0, input, SIGNATURE_DOMAIN.length, body.length);
        return Digests.sha256(input);
    }

    /** An authority signs this header. */
    public HeaderSignature sign(Ed25519KeyPair authorityKey) {
        return new HeaderSignature(new org.veilswarm.api.directory.RelayDescriptor.Key(authorityKey.publicKey()),
                authorityKey.sign(signedHash()));
    }

    /** The header with these signatures, sorted into the canonical order. */
    public SignedMerkleHeader withSignatures(List<HeaderSignature> signatures) {
        return new SignedMerkleHeader(this, signatures);
    }

    public byte[] consensusId() {
        return consensusId.clone();
    }

    public Instant validAfter() {
        return validAfter;
    }

    public Instant validUntil() {
        return validUntil;
    }

    public RoleIndex index(RelayRole role) {
        return roles.get(role);
    }

    /** The encoded body, {@value #BODY_LENGTH} bytes. */
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MerkleHeader h && Arrays.equals(body, h.body);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "MerkleHeader[id=" + java.util.HexFormat.of().formatHex(consensusId, 0, 8) + "…, " + validAfter + " – "
                + validUntil + "]";
    }
}
