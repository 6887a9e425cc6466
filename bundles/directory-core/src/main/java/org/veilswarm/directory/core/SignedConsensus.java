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
 * A {@link ConsensusDocument} with authority signatures as it travels: the body, a one-byte count, then
 * (authority key, signature) pairs in ascending key order, exactly like the merkle header's signature block
 * (docs/protocols/directory-consensus.md §3). Decoding checks the form and the relays' own signatures;
 * {@link AuthoritySet#verify(SignedConsensus, java.time.Instant)} decides whether to trust it.
 */
public final class SignedConsensus {
    /**
     * Largest encoded consensus or vote accepted: 64 MiB, the client's download cap (ConsensusClient's
     * maxListBytes), about 140,000 relays of 450 bytes.
     */
    public static final int MAX_ENCODED_BYTES = 1 << 26;

    private static final Comparator<HeaderSignature> BY_AUTHORITY =
            (a, b) -> Arrays.compareUnsigned(a.authority().bytes(), b.authority().bytes());

    private final ConsensusDocument document;
    private final List<HeaderSignature> signatures;

    SignedConsensus(ConsensusDocument document, List<HeaderSignature> signatures) {
        this.document = Objects.requireNonNull(document, "document");
        if (signatures.size() > SignedMerkleHeader.MAX_SIGNATURES) {
            throw new IllegalArgumentException("at most " + SignedMerkleHeader.MAX_SIGNATURES + " signatures");
        }
        List<HeaderSignature> sorted = new ArrayList<>(signatures);
        sorted.sort(BY_AUTHORITY);
        this.signatures = List.copyOf(sorted);
    }

    /**
     * Reads a signed consensus; the descriptors are parsed with {@code parser} (their relay signatures are
     * checked here, so a list that decodes holds only properly signed descriptors).
     */
    public static SignedConsensus decode(byte[] bytes, RelayDescriptorParser parser) throws ConsensusException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(parser, "parser");
        if (bytes.length > MAX_ENCODED_BYTES) {
            throw new ConsensusException(bytes.length + " bytes, at most " + MAX_ENCODED_BYTES);
        }
        ByteReader in = new ByteReader(bytes);
        try {
            ConsensusDocument document = ConsensusDocument.decodeBody(in, parser);
            int count = in.u8();
            if (count > SignedMerkleHeader.MAX_SIGNATURES) {
                throw new ConsensusException(count + " signatures, at most " + SignedMerkleHeader.MAX_SIGNATURES);
            }
            if (in.remaining() != count * SignedMerkleHeader.SIGNATURE_ENTRY_LENGTH) {
                throw new ConsensusException(in.remaining() + " bytes after the body do not hold exactly " + count
                        + " signatures");
            }
            List<HeaderSignature> signatures = new ArrayList<>(count);
            byte[] previous = null;
            for (int i = 0; i < count; i++) {
                byte[] key = in.bytes(32);
                if (previous != null && Arrays.compareUnsigned(previous, key) > 0) {
                    throw new ConsensusException("signatures are not in ascending authority-key order");
                }
                previous = key;
                signatures.add(new HeaderSignature(new RelayDescriptor.Key(key), in.bytes(64)));
            }
            return new SignedConsensus(document, signatures);
        } catch (ByteReader.TruncatedException e) {
            throw new ConsensusException("truncated consensus: " + e.getMessage());
        }
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(encodedLength());
        out.bytes(document.bodyUnsafe()).u8(signatures.size());
        for (HeaderSignature s : signatures) {
            out.bytes(s.authority().bytes()).bytes(s.signature());
        }
        return out.toByteArray();
    }

    public int encodedLength() {
        return document.bodyLength() + 1 + signatures.size() * SignedMerkleHeader.SIGNATURE_ENTRY_LENGTH;
    }

    public ConsensusDocument document() {
        return document;
    }

    /** Signatures in ascending authority-key order. */
    public List<HeaderSignature> signatures() {
        return signatures;
    }
}
