package org.veilswarm.directory.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.crypto.Digests;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.internal.ByteReader;
import org.veilswarm.directory.core.internal.ByteWriter;

/**
 * The relay list the authorities sign for the {@code consensus} scheme, and each authority's vote (the same
 * format signed by one authority, as Tor's votes and consensus share the network-status format, dir-spec
 * §3.4.1): a validity period and the relays, sorted by identity, each with its assigned flags, its weight and
 * its signed descriptor (docs/protocols/directory-consensus.md §2). Immutable.
 */
public final class ConsensusDocument {
    static final byte[] MAGIC = {'V', 'S', 'M', 'C'};
    static final int FORMAT_VERSION = 1;
    /** Magic, version, valid-after, valid-until, relay count. */
    static final int FIXED_LENGTH = 4 + 1 + 8 + 8 + 4;
    /** Flags, weight, document length. */
    static final int ENTRY_OVERHEAD = 1 + 8 + 2;
    private static final int FLAG_MASK_LIMIT = 1 << org.veilswarm.api.directory.RelayFlag.values().length;
    private static final byte[] SIGNATURE_DOMAIN =
            "veilswarm-dir-consensus-signature-v1".getBytes(StandardCharsets.US_ASCII);
    /**
     * Votes are public (GET vote/&lt;period&gt;): signed under their own domain so that co-signing someone else's
     * vote can never add up to consensus signatures (docs/protocols/directory-consensus.md §3).
     */
    private static final byte[] VOTE_SIGNATURE_DOMAIN =
            "veilswarm-dir-vote-signature-v1".getBytes(StandardCharsets.US_ASCII);
    static final Comparator<ConsensusEntry> BY_IDENTITY =
            (a, b) -> Arrays.compareUnsigned(a.signed().descriptor().identity(), b.signed().descriptor().identity());

    private final Instant validAfter;
    private final Instant validUntil;
    private final List<ConsensusEntry> entries;
    private final byte[] body;
    private final byte[] digest;
    private final byte[] voteDigest;

    /**
     * @throws IllegalArgumentException on a bad period (whole seconds, after &lt; until, 1970..9999), two entries
     *         for one identity, or more than {@link RelayMerkleTree#MAX_RELAYS} entries
     */
    public ConsensusDocument(Instant validAfter, Instant validUntil, List<ConsensusEntry> entries) {
        this.validAfter = Objects.requireNonNull(validAfter, "validAfter");
        this.validUntil = Objects.requireNonNull(validUntil, "validUntil");
        if (validAfter.getNano() != 0 || validUntil.getNano() != 0 || validAfter.getEpochSecond() < 0
                || validUntil.getEpochSecond() > MerkleHeader.MAX_EPOCH_SECOND || !validUntil.isAfter(validAfter)) {
            throw new IllegalArgumentException("need whole seconds and 1970 <= valid-after < valid-until <= 9999");
        }
        if (entries.size() > RelayMerkleTree.MAX_RELAYS) {
            throw new IllegalArgumentException(entries.size() + " relays, at most " + RelayMerkleTree.MAX_RELAYS);
        }
        List<ConsensusEntry> sorted = new ArrayList<>(entries);
        sorted.sort(BY_IDENTITY);
        for (int i = 1; i < sorted.size(); i++) {
            if (BY_IDENTITY.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
                throw new IllegalArgumentException("two entries for relay " + sorted.get(i).identity());
            }
        }
        this.entries = List.copyOf(sorted);
        int length = FIXED_LENGTH;
        for (ConsensusEntry e : sorted) {
            length += ENTRY_OVERHEAD + e.signed().document().length;
        }
        ByteWriter out = new ByteWriter(length);
        out.bytes(MAGIC).u8(FORMAT_VERSION).u64(validAfter.getEpochSecond()).u64(validUntil.getEpochSecond())
                .u32(sorted.size());
        for (ConsensusEntry e : sorted) {
            byte[] document = e.signed().document();
            out.u8(e.flagMask()).u64(e.weight()).u16(document.length).bytes(document);
        }
        this.body = out.toByteArray();
        this.digest = domainDigest(SIGNATURE_DOMAIN, body, body.length);
        this.voteDigest = domainDigest(VOTE_SIGNATURE_DOMAIN, body, body.length);
    }

    private static byte[] domainDigest(byte[] domain, byte[] body, int bodyLength) {
        byte[] input = new byte[domain.length + bodyLength];
        System.arraycopy(domain, 0, input, 0, domain.length);
        System.arraycopy(body, 0, input, domain.length, bodyLength);
        return Digests.sha256(input);
    }

    /** SHA-256("veilswarm-dir-vote-signature-v1" || the first {@code bodyLength} bytes), before any parsing. */
    static byte[] voteDigestOfRawBody(byte[] encoded, int bodyLength) {
        return domainDigest(VOTE_SIGNATURE_DOMAIN, encoded, bodyLength);
    }

    /**
     * Reads a body from {@code in}, parsing (and so verifying the relay signature of) every descriptor.
     * Entries must be in strictly ascending identity order, flag masks must use defined bits only.
     */
    static ConsensusDocument decodeBody(ByteReader in, RelayDescriptorParser parser)
            throws ConsensusException, ByteReader.TruncatedException {
        if (!Arrays.equals(in.bytes(4), MAGIC)) {
            throw new ConsensusException("not a consensus document (magic)");
        }
        int version = in.u8();
        if (version != FORMAT_VERSION) {
            throw new ConsensusException("unsupported consensus format version " + version);
        }
        long after = in.u64();
        long until = in.u64();
        if (after < 0 || until < 0 || after > MerkleHeader.MAX_EPOCH_SECOND || until > MerkleHeader.MAX_EPOCH_SECOND
                || until <= after) {
            throw new ConsensusException("validity period out of range or empty");
        }
        long count = in.u32();
        if (count > RelayMerkleTree.MAX_RELAYS) {
            throw new ConsensusException(count + " relays, at most " + RelayMerkleTree.MAX_RELAYS);
        }
        // Every entry takes at least ENTRY_OVERHEAD bytes: refuse a count the input cannot hold before allocating.
        if (count * ENTRY_OVERHEAD > in.remaining()) {
            throw new ConsensusException(count + " relays cannot fit in " + in.remaining() + " bytes");
        }
        List<ConsensusEntry> entries = new ArrayList<>((int) count);
        byte[] previous = null;
        for (int i = 0; i < count; i++) {
            int mask = in.u8();
            if (mask >= FLAG_MASK_LIMIT) {
                throw new ConsensusException("relay " + i + ": undefined flag bits in 0x" + Integer.toHexString(mask));
            }
            long weight = in.u64();
            if (weight < 0 || weight > RelayDescriptorDocument.MAX_BANDWIDTH) {
                throw new ConsensusException("relay " + i + ": weight outside [0, 2^40]");
            }
            int length = in.u16();
            byte[] document = in.bytes(length);
            org.veilswarm.api.directory.SignedRelayDescriptor signed;
            try {
                signed = parser.parse(document);
            } catch (DescriptorException e) {
                throw new ConsensusException("relay " + i + ": " + e.getMessage());
            }
            byte[] identity = signed.descriptor().identity();
            if (previous != null && Arrays.compareUnsigned(previous, identity) >= 0) {
                throw new ConsensusException("relay " + i + ": identities are not strictly ascending");
            }
            previous = identity;
            entries.add(new ConsensusEntry(signed, ConsensusEntry.flagsOf(mask), weight));
        }
        return new ConsensusDocument(Instant.ofEpochSecond(after), Instant.ofEpochSecond(until), entries);
    }

    /** SHA-256("veilswarm-dir-consensus-signature-v1" || body): what authorities sign, and the document's name. */
    public byte[] digest() {
        return digest.clone();
    }

    public HeaderSignature sign(Ed25519KeyPair authorityKey) {
        return new HeaderSignature(new RelayDescriptor.Key(authorityKey.publicKey()), authorityKey.sign(digest));
    }

    /** SHA-256("veilswarm-dir-vote-signature-v1" || body): what an authority signs when this is its vote. */
    public byte[] voteDigest() {
        return voteDigest.clone();
    }

    /** Signs this document as the authority's vote (never valid as a consensus signature). */
    public HeaderSignature signVote(Ed25519KeyPair authorityKey) {
        return new HeaderSignature(new RelayDescriptor.Key(authorityKey.publicKey()), authorityKey.sign(voteDigest));
    }

    /** This document with {@code signatures}, sorted into the canonical order. */
    public SignedConsensus withSignatures(List<HeaderSignature> signatures) {
        return new SignedConsensus(this, signatures);
    }

    public Instant validAfter() {
        return validAfter;
    }

    public Instant validUntil() {
        return validUntil;
    }

    /** Entries in ascending identity order. */
    public List<ConsensusEntry> entries() {
        return entries;
    }

    /** The encoded body. */
    public byte[] body() {
        return body.clone();
    }

    int bodyLength() {
        return body.length;
    }

    byte[] bodyUnsafe() {
        return body;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsensusDocument d && Arrays.equals(digest, d.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "ConsensusDocument[" + java.util.HexFormat.of().formatHex(digest, 0, 8) + "…, " + entries.size()
                + " relays, " + validAfter + " – " + validUntil + "]";
    }
}
