package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.HeaderVerification.Outcome;

/** Majority-signature rules for the merkle header (docs/protocols/directory-merkle.md §2.3). */
class AuthoritySetTest {
    private static final List<Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(5);
    private static final AuthoritySet SET = TestRelays.authoritySet(AUTHORITIES);
    private static final MerkleConsensus CONSENSUS = MerkleConsensus.build(TestRelays.pool().subList(0, 50),
            TestRelays.NOW.minusSeconds(1800), TestRelays.NOW.plusSeconds(1800));

    private static byte[] signedBy(List<HeaderSignature> signatures) {
        return CONSENSUS.header().withSignatures(signatures).encode();
    }

    private static List<HeaderSignature> signatures(int... authorities) {
        List<HeaderSignature> list = new ArrayList<>();
        for (int a : authorities) {
            list.add(CONSENSUS.header().sign(AUTHORITIES.get(a)));
        }
        return list;
    }

    private static RelayDescriptor.Key key(int authority) {
        return new RelayDescriptor.Key(AUTHORITIES.get(authority).publicKey());
    }

    @Test
    void allFiveSignaturesAreAccepted() {
        HeaderVerification v = SET.verify(signedBy(signatures(0, 1, 2, 3, 4)), TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, v.outcome(), v.detail());
        assertEquals(5, v.validSignatures());
        assertEquals(3, v.required());
        assertArrayEquals(CONSENSUS.header().consensusId(), v.header().orElseThrow().consensusId());
    }

    @Test
    void aStrictMajorityIsEnoughAndOneLessIsNot() {
        HeaderVerification three = SET.verify(signedBy(signatures(0, 2, 4)), TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, three.outcome());
        assertEquals(Set.of(key(1), key(3)), three.missing());

        HeaderVerification two = SET.verify(signedBy(signatures(1, 3)), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, two.outcome());
        assertEquals(Set.of(key(0), key(2), key(4)), two.missing());
        assertTrue(two.header().isEmpty());
    }

    @Test
    void halfOfAnEvenSetIsNotAMajority() {
        AuthoritySet four = TestRelays.authoritySet(AUTHORITIES.subList(0, 4));
        assertEquals(Outcome.NO_MAJORITY, four.verify(signedBy(signatures(0, 1)), TestRelays.NOW).outcome());
        assertEquals(Outcome.ACCEPTED, four.verify(signedBy(signatures(0, 1, 2)), TestRelays.NOW).outcome());
    }

    @Test
    void noSignatureAtAllIsNoMajority() {
        HeaderVerification v = SET.verify(signedBy(List.of()), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, v.outcome());
        assertEquals(5, v.missing().size());
    }

    @Test
    void unknownSignersAreReportedButNeitherCountNorSpoil() {
        Ed25519KeyPair stranger = TestRelays.key(77);
        List<HeaderSignature> list = signatures(0, 1, 2);
        list.add(CONSENSUS.header().sign(stranger));
        HeaderVerification v = SET.verify(signedBy(list), TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, v.outcome());
        assertEquals(3, v.validSignatures());
        assertEquals(Set.of(new RelayDescriptor.Key(stranger.publicKey())), v.unknownAuthorities());

        List<HeaderSignature> strangersOnly = signatures(0, 1);
        for (int i = 0; i < 5; i++) {
            strangersOnly.add(CONSENSUS.header().sign(TestRelays.key(80 + i)));
        }
        HeaderVerification w = SET.verify(signedBy(strangersOnly), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, w.outcome(), "extra signatures by unknown keys must not fill the majority");
        assertEquals(5, w.unknownAuthorities().size());
    }

    @Test
    void aSignatureMadeWithTheWrongKeyIsBadAndNotCounted() {
        List<HeaderSignature> list = signatures(0, 1);
        // Authority 2's slot carries a signature made by a stranger's key.
        list.add(new HeaderSignature(key(2), CONSENSUS.header().sign(TestRelays.key(99)).signature()));
        HeaderVerification v = SET.verify(signedBy(list), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, v.outcome());
        assertEquals(Set.of(key(2)), v.badSignatures());
        assertEquals(2, v.validSignatures());

        List<HeaderSignature> withFourth = new ArrayList<>(list);
        withFourth.addAll(signatures(3));
        HeaderVerification w = SET.verify(signedBy(withFourth), TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, w.outcome());
        assertEquals(Set.of(key(2)), w.badSignatures());
    }

    @Test
    void aSignatureOverAnotherHeaderIsBad() {
        MerkleConsensus other = MerkleConsensus.build(TestRelays.pool().subList(50, 60),
                TestRelays.NOW.minusSeconds(1800), TestRelays.NOW.plusSeconds(1800));
        List<HeaderSignature> list = signatures(0, 1);
        list.add(other.header().sign(AUTHORITIES.get(2)));
        HeaderVerification v = SET.verify(signedBy(list), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, v.outcome());
        assertEquals(Set.of(key(2)), v.badSignatures());
    }

    @Test
    void twoSignaturesByOneAuthorityRefuseTheHeader() {
        List<HeaderSignature> list = signatures(0, 1, 2);
        list.addAll(signatures(1));
        HeaderVerification v = SET.verify(signedBy(list), TestRelays.NOW);
        assertEquals(Outcome.DUPLICATE_SIGNATURE, v.outcome(), v.detail());
        assertFalse(v.accepted());
    }

    @Test
    void validityIsCheckedAfterTheSignatures() {
        byte[] header = signedBy(signatures(0, 1, 2));
        Instant after = CONSENSUS.header().validAfter();
        Instant until = CONSENSUS.header().validUntil();
        assertEquals(Outcome.NOT_YET_VALID, SET.verify(header, after.minusSeconds(1)).outcome());
        assertEquals(Outcome.ACCEPTED, SET.verify(header, after).outcome());
        assertEquals(Outcome.ACCEPTED, SET.verify(header, until.minusSeconds(1)).outcome());
        assertEquals(Outcome.EXPIRED, SET.verify(header, until).outcome());
        assertEquals(Outcome.NO_MAJORITY, SET.verify(signedBy(signatures(0)), until).outcome(),
                "a forged expired header reports its signatures, not its age");
    }

    @Test
    void everyBodyByteIsCoveredBySignaturesOrTheConsensusId() {
        byte[] header = signedBy(signatures(0, 1, 2, 3, 4));
        for (int i = 0; i < MerkleHeader.BODY_LENGTH; i++) {
            byte[] changed = header.clone();
            changed[i] ^= 0x01;
            HeaderVerification v = SET.verify(changed, TestRelays.NOW);
            assertFalse(v.accepted(), "flipping body byte " + i + " must not be accepted");
        }
    }

    @Test
    void encodingRoundTripsAndHasTheDocumentedSize() throws Exception {
        byte[] header = signedBy(signatures(4, 0, 3));
        assertEquals(MerkleHeader.BODY_LENGTH + 1 + 3 * 96, header.length);
        assertEquals(185, MerkleHeader.BODY_LENGTH);
        assertArrayEquals(header, SignedMerkleHeader.decode(header).encode());
    }

    @Test
    void malformedHeadersSayWhy() {
        byte[] header = signedBy(signatures(0, 1, 2));
        assertEquals(Outcome.MALFORMED, SET.verify(java.util.Arrays.copyOf(header, header.length - 1), TestRelays.NOW)
                .outcome());
        byte[] longer = java.util.Arrays.copyOf(header, header.length + 1);
        assertEquals(Outcome.MALFORMED, SET.verify(longer, TestRelays.NOW).outcome());
        byte[] unsorted = header.clone();
        // Swap the first two signature entries: keys must be ascending.
        int first = MerkleHeader.BODY_LENGTH + 1;
        byte[] entry = java.util.Arrays.copyOfRange(unsorted, first, first + 96);
        System.arraycopy(unsorted, first + 96, unsorted, first, 96);
        System.arraycopy(entry, 0, unsorted, first + 96, 96);
        HeaderVerification v = SET.verify(unsorted, TestRelays.NOW);
        assertEquals(Outcome.MALFORMED, v.outcome());
        assertTrue(v.detail().contains("ascending"), v.detail());
        assertThrows(HeaderException.class, () -> SignedMerkleHeader.decode(new byte[0]));
    }
}
