package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;

/**
 * What must hold for any input to the three parsers; shared by the Jazzer targets and the seeded mutation
 * test. Each method lets only the parser's own exception escape and checks that whatever is accepted
 * re-encodes to exactly the input.
 */
final class ParserProperties {
    private static final List<org.veilswarm.crypto.Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(3);
    static final AuthoritySet AUTHORITY_SET = TestRelays.authoritySet(AUTHORITIES);
    private static MerkleDirectory directory;
    private static final MerkleAnswerVerifier VERIFIER = new MerkleAnswerVerifier(TestRelays.PARSER, 0);

    private ParserProperties() {
    }

    /** A small fixed consensus (seeds for header and answer targets come from it). */
    static synchronized MerkleDirectory directory() {
        if (directory == null) {
            java.util.Random random = new java.util.Random(37);
            List<SignedRelayDescriptor> relays = new java.util.ArrayList<>();
            for (int i = 0; i < 37; i++) {
                relays.add(TestRelays.randomRelay(random));
            }
            directory = TestRelays.directory(relays, AUTHORITIES);
        }
        return directory;
    }

    static void descriptor(byte[] input) {
        SignedRelayDescriptor parsed;
        try {
            parsed = TestRelays.PARSER.parse(input);
        } catch (DescriptorException expected) {
            assertNotNull(expected.reason());
            return;
        }
        assertArrayEquals(input, parsed.document());
        byte[] body = RelayDescriptorDocument.body(parsed.descriptor());
        assertArrayEquals(body, java.util.Arrays.copyOf(input, body.length), "accepted input is canonical");
    }

    static void header(byte[] input) {
        HeaderVerification verification = AUTHORITY_SET.verify(input, TestRelays.NOW);
        assertNotNull(verification.outcome());
        SignedMerkleHeader decoded;
        try {
            decoded = SignedMerkleHeader.decode(input);
        } catch (HeaderException expected) {
            assertEquals(HeaderVerification.Outcome.MALFORMED, verification.outcome());
            return;
        }
        assertArrayEquals(input, decoded.encode(), "a decoded header re-encodes to the same bytes");
    }

    /** A small signed consensus list (the seed of the consensus target). */
    static byte[] smallConsensus() {
        List<ConsensusEntry> entries = new java.util.ArrayList<>();
        for (SignedRelayDescriptor d : directory().tree(RelayRole.MIDDLE).ranges().relays().subList(0, 3)) {
            entries.add(ConsensusEntry.of(d, d.descriptor().flags()));
        }
        ConsensusDocument document = new ConsensusDocument(TestRelays.NOW.minusSeconds(1800),
                TestRelays.NOW.plusSeconds(1800), entries);
        List<HeaderSignature> signatures = new java.util.ArrayList<>();
        AUTHORITIES.forEach(k -> signatures.add(document.sign(k)));
        return document.withSignatures(signatures).encode();
    }

    static void consensus(byte[] input) {
        ConsensusVerification verification = AUTHORITY_SET.verifyConsensus(input, TestRelays.PARSER, TestRelays.NOW);
        assertNotNull(verification.outcome());
        SignedConsensus decoded;
        try {
            decoded = SignedConsensus.decode(input, TestRelays.PARSER);
        } catch (ConsensusException expected) {
            assertEquals(HeaderVerification.Outcome.MALFORMED, verification.outcome());
            return;
        }
        assertArrayEquals(input, decoded.encode(), "a decoded consensus re-encodes to the same bytes");
        // Whatever decodes also builds merkle trees: the two schemes accept the same lists.
        MerkleConsensus.of(decoded.document());
    }

    static void answer(byte[] input) {
        MerkleAnswer decoded;
        try {
            decoded = MerkleAnswer.decode(input);
        } catch (AnswerRejectedException expected) {
            assertEquals(AnswerRejectedException.Reason.MALFORMED, expected.reason());
            return;
        }
        assertArrayEquals(input, decoded.encode(), "a decoded answer re-encodes to the same bytes");
        VerifiedHeader header = AUTHORITY_SET.verify(directory().encodedHeader(), TestRelays.NOW).header().orElseThrow();
        for (RelayRole role : RelayRole.values()) {
            long x = decoded.rangeStart();
            try {
                VERIFIER.verify(header, role, x, decoded);
                // Accepted: it must be exactly what the honest directory answers for that number.
                assertArrayEquals(input, directory().find(header.consensusId(), role, x).encode());
            } catch (AnswerRejectedException expected) {
                assertNotNull(expected.reason());
            } catch (org.veilswarm.api.directory.DirectoryException e) {
                throw new AssertionError("an accepted answer the directory would not give", e);
            }
        }
    }
}
