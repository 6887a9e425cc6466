package org.veilswarm.directory.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.directory.core.internal.ByteReader;
import org.veilswarm.directory.core.internal.ByteWriter;

/**
 * A {@link MerkleHeader} with authority signatures as it travels: body, a one-byte signature count, then
 * (authority key, signature) pairs in ascending key order (docs/protocols/directory-merkle.md §2). Decoding
 * checks the form only; {@link AuthoritySet#verify} decides whether to trust it.
 */
public final class SignedMerkleHeader {
    public static final int MAX_SIGNATURES = 32;
    public static final int SIGNATURE_ENTRY_LENGTH = 32 + HeaderSignature.SIGNATURE_LENGTH;

    private static final Comparator<HeaderSignature> BY_AUTHORITY =
            (a, b) -> Arrays.compareUnsigned(a.authority().bytes(), b.authority().bytes());

    private final MerkleHeader header;
    private final List<HeaderSignature> signatures;

    SignedMerkleHeader(MerkleHeader header, List<HeaderSignature> signatures) {
        this.header = Objects.requireNonNull(header, "header");
        if (signatures.size() > MAX_SIGNATURES) {
            throw new IllegalArgumentException("at most " + MAX_SIGNATURES + " signatures");
        }
        List<HeaderSignature> sorted = new ArrayList<>(signatures);
        sorted.sort(BY_AUTHORITY);
        this.signatures = List.copyOf(sorted);
    }

    /** Encoded length for {@code signatures} signatures. */
    public static int encodedLength(int signatures) {
        return MerkleHeader.BODY_LENGTH + 1 + signatures * SIGNATURE_ENTRY_LENGTH;
    }

    /**
     * Reads a signed header. Signature entries must be in strictly ascending authority-key order; two entries
     * for the same key are reported separately by {@link AuthoritySet#verify}, so they are kept here.
     */
    public static SignedMerkleHeader decode(byte[] bytes) throws HeaderException {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < MerkleHeader.BODY_LENGTH + 1) {
            throw new HeaderException("truncated header: " + bytes.length + " bytes");
        }
        MerkleHeader header = MerkleHeader.decodeBody(Arrays.copyOf(bytes, MerkleHeader.BODY_LENGTH));
        ByteReader in = new ByteReader(Arrays.copyOfRange(bytes, MerkleHeader.BODY_LENGTH, bytes.length));
        try {
            int count = in.u8();
            if (count > MAX_SIGNATURES) {
                throw new HeaderException(count + " signatures, at most " + MAX_SIGNATURES);
            }
            if (in.remaining() != count * SIGNATURE_ENTRY_LENGTH) {
                throw new HeaderException("header length " + bytes.length + " does not match " + count
                        + " signatures (" + encodedLength(count) + " bytes)");
            }
            List<HeaderSignature> signatures = new ArrayList<>(count);
            byte[] previous = null;
            for (int i = 0; i < count; i++) {
                byte[] key = in.bytes(32);
                if (previous != null && Arrays.compareUnsigned(previous, key) > 0) {
                    throw new HeaderException("signatures are not in ascending authority-key order");
                }
                previous = key;
                signatures.add(new HeaderSignature(new RelayDescriptor.Key(key), in.bytes(64)));
            }
            return new SignedMerkleHeader(header, signatures);
        } catch (ByteReader.TruncatedException e) {
            throw new HeaderException("truncated header: " + e.getMessage());
        }
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(encodedLength(signatures.size()));
        out.bytes(header.body()).u8(signatures.size());
        for (HeaderSignature s : signatures) {
            out.bytes(s.authority().bytes()).bytes(s.signature());
        }
        return out.toByteArray();
    }

    public MerkleHeader header() {
        return header;
    }

    /** Signatures in ascending authority-key order. */
    public List<HeaderSignature> signatures() {
        return signatures;
    }
}
