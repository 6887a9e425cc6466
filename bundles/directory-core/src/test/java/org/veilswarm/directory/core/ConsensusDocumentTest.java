package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.HeaderVerification.Outcome;

/**
 * The {@code consensus} scheme's signed relay list (docs/protocols/directory-consensus.md §2–§4): exact
 * round trip, strict decoding, and the majority-signature rules (missing, extra, wrong-key, duplicate, expired).
 */
class ConsensusDocumentTest {
    private static final List<Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(5);
    private static final AuthoritySet SET = TestRelays.authoritySet(AUTHORITIES);
    private static final Instant AFTER = TestRelays.NOW.minusSeconds(1800);
    private static final Instant UNTIL = TestRelays.NOW.plusSeconds(1800);
    static final ConsensusDocument DOCUMENT = document(40);

    static ConsensusDocument document(int relays) {
        List<ConsensusEntry> entries = new ArrayList<>();
        for (SignedRelayDescriptor d : TestRelays.pool().subList(0, relays)) {
            entries.add(ConsensusEntry.of(d, d.descriptor().flags()));
        }
        return new ConsensusDocument(AFTER, UNTIL, entries);
    }

    private static List<HeaderSignature> signatures(ConsensusDocument document, int... authorities) {
        List<HeaderSignature> list = new ArrayList<>();
        for (int a : authorities) {
            list.add(document.sign(AUTHORITIES.get(a)));
        }
        return list;
    }

    private static ConsensusVerification verify(List<HeaderSignature> signatures, Instant now) {
        byte[] encoded = DOCUMENT.withSignatures(signatures).encode();
        return SET.verifyConsensus(encoded, TestRelays.PARSER, now);
    }

    private static RelayDescriptor.Key key(int authority) {
        return new RelayDescriptor.Key(AUTHORITIES.get(authority).publicKey());
    }

    @Test
    void encodesDecodesToTheSameBytesAndEntries() throws Exception {
        byte[] encoded = DOCUMENT.withSignatures(signatures(DOCUMENT, 0, 1, 2)).encode();
        SignedConsensus decoded = SignedConsensus.decode(encoded, TestRelays.PARSER);
        assertArrayEquals(encoded, decoded.encode());
        assertEquals(DOCUMENT.entries(), decoded.document().entries());
        assertArrayEquals(DOCUMENT.digest(), decoded.document().digest());
        assertEquals(encoded.length, decoded.encodedLength());
    }

    @Test
    void entriesAreSortedByIdentityWhateverTheInputOrder() {
        List<ConsensusEntry> reversed = new ArrayList<>(DOCUMENT.entries());
        java.util.Collections.reverse(reversed);
        assertArrayEquals(DOCUMENT.body(), new ConsensusDocument(AFTER, UNTIL, reversed).body());
    }

    @Test
    void aStrictMajorityIsAcceptedAndOneLessIsNot() {
        ConsensusVerification all = verify(signatures(DOCUMENT, 0, 1, 2, 3, 4), TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, all.outcome(), all.detail());
        assertEquals(40, all.consensus().orElseThrow().entries().size());

        ConsensusVerification three = verify(signatures(DOCUMENT, 0, 2, 4), TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, three.outcome());
        assertEquals(Set.of(key(1), key(3)), three.missing());

        ConsensusVerification two = verify(signatures(DOCUMENT, 1, 3), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, two.outcome());
        assertTrue(two.consensus().isEmpty());
        assertEquals(Set.of(key(0), key(2), key(4)), two.missing());

        ConsensusVerification none = verify(List.of(), TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, none.outcome());
    }

    @Test
    void extraSignaturesByUnknownKeysAreIgnoredNeverCounted() {
        List<HeaderSignature> s = signatures(DOCUMENT, 0, 1);
        List<Ed25519KeyPair> strangers = List.of(TestRelays.key(77), TestRelays.key(78), TestRelays.key(79));
        strangers.forEach(k -> s.add(DOCUMENT.sign(k)));
        ConsensusVerification v = verify(s, TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, v.outcome(), "three strangers do not make up for a missing authority");
        assertEquals(3, v.unknownAuthorities().size());

        s.add(DOCUMENT.sign(AUTHORITIES.get(2)));
        ConsensusVerification enough = verify(s, TestRelays.NOW);
        assertEquals(Outcome.ACCEPTED, enough.outcome());
        assertEquals(3, enough.validSignatures());
        assertEquals(3, enough.unknownAuthorities().size());
    }

    @Test
    void wrongKeyAndOtherDocumentSignaturesAreBadAndNotCounted() {
        List<HeaderSignature> s = signatures(DOCUMENT, 0, 1);
        // Authority 2's name on a signature made with a stranger's key.
        s.add(new HeaderSignature(key(2), TestRelays.key(99).sign(DOCUMENT.digest())));
        // Authority 3's real signature, but over another list.
        s.add(document(39).sign(AUTHORITIES.get(3)));
        ConsensusVerification v = verify(s, TestRelays.NOW);
        assertEquals(Outcome.NO_MAJORITY, v.outcome());
        assertEquals(Set.of(key(2), key(3)), v.badSignatures());
        assertEquals(2, v.validSignatures());
    }

    @Test
    void aMerkleHeaderSignatureDoesNotSignTheList() {
        MerkleConsensus merkle = MerkleConsensus.of(DOCUMENT);
        List<HeaderSignature> s = new ArrayList<>();
        for (int a = 0; a < 5; a++) {
            s.add(merkle.header().sign(AUTHORITIES.get(a)));
        }
        assertEquals(Outcome.NO_MAJORITY, verify(s, TestRelays.NOW).outcome());
    }

    @Test
    void duplicateSignaturesAreRefused() {
        List<HeaderSignature> s = signatures(DOCUMENT, 0, 1, 2, 2);
        assertEquals(Outcome.DUPLICATE_SIGNATURE, verify(s, TestRelays.NOW).outcome());
    }

    @Test
    void validityBoundaries() {
        List<HeaderSignature> s = signatures(DOCUMENT, 0, 1, 2);
        assertEquals(Outcome.NOT_YET_VALID, verify(s, AFTER.minusSeconds(1)).outcome());
        assertEquals(Outcome.ACCEPTED, verify(s, AFTER).outcome());
        assertEquals(Outcome.ACCEPTED, verify(s, UNTIL.minusSeconds(1)).outcome());
        ConsensusVerification expired = verify(s, UNTIL);
        assertEquals(Outcome.EXPIRED, expired.outcome());
        assertTrue(expired.detail().contains("valid until"), expired.detail());
        assertTrue(expired.consensus().isEmpty());
    }

    @Test
    void changingAnyEntryBreaksEverySignature() {
        List<ConsensusEntry> entries = new ArrayList<>(DOCUMENT.entries());
        ConsensusEntry first = entries.get(0);
        entries.set(0, new ConsensusEntry(first.signed(), EnumSet.allOf(RelayFlag.class), first.weight()));
        ConsensusDocument moreFlags = new ConsensusDocument(AFTER, UNTIL, entries);
        entries.set(0, new ConsensusEntry(first.signed(), first.flags(), first.weight() + 1));
        ConsensusDocument moreWeight = new ConsensusDocument(AFTER, UNTIL, entries);
        for (ConsensusDocument forged : List.of(moreFlags, moreWeight)) {
            // The forger copies the authorities' signatures over the honest list.
            byte[] encoded = forged.withSignatures(signatures(DOCUMENT, 0, 1, 2, 3, 4)).encode();
            ConsensusVerification v = SET.verifyConsensus(encoded, TestRelays.PARSER, TestRelays.NOW);
            assertEquals(Outcome.NO_MAJORITY, v.outcome());
            assertEquals(5, v.badSignatures().size());
        }
    }

    @Test
    void decodingIsStrict() {
        byte[] good = DOCUMENT.withSignatures(signatures(DOCUMENT, 0, 1, 2)).encode();
        assertMalformed(java.util.Arrays.copyOf(good, good.length - 1), "do not hold exactly");
        assertMalformed(java.util.Arrays.copyOf(good, 500), "truncated");
        assertMalformed(java.util.Arrays.copyOf(good, good.length + 1), "do not hold exactly");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertMalformed(magic, "magic");
        byte[] flags = good.clone();
        flags[ConsensusDocument.FIXED_LENGTH] = (byte) 0x40;
        assertMalformed(flags, "undefined flag bits");
        byte[] count = good.clone();
        count[ConsensusDocument.FIXED_LENGTH - 3] = (byte) 0x0f;
        assertMalformed(count, "cannot fit");
        // A descriptor byte changed: its relay signature fails.
        byte[] descriptor = good.clone();
        descriptor[ConsensusDocument.FIXED_LENGTH + ConsensusDocument.ENTRY_OVERHEAD + 60] ^= 1;
        assertMalformed(descriptor, "relay 0");
    }

    @Test
    void entriesOutOfOrderAreRefused() throws Exception {
        ConsensusDocument two = document(2);
        byte[] body = two.body();
        int firstLength = ConsensusDocument.ENTRY_OVERHEAD + two.entries().get(0).signed().document().length;
        int start = ConsensusDocument.FIXED_LENGTH;
        byte[] swapped = new byte[body.length + 1];
        System.arraycopy(body, 0, swapped, 0, start);
        System.arraycopy(body, start + firstLength, swapped, start, body.length - start - firstLength);
        System.arraycopy(body, start, swapped, body.length - firstLength, firstLength);
        assertMalformed(swapped, "strictly ascending");
    }

    @Test
    void twoEntriesForOneRelayCannotBeWritten() {
        ConsensusEntry e = DOCUMENT.entries().get(0);
        assertThrows(IllegalArgumentException.class, () -> new ConsensusDocument(AFTER, UNTIL, List.of(e, e)));
    }

    @Test
    void theSamplerUsesTheAssignedFlagsAndWeights() throws Exception {
        // Authorities demote every relay but one to no flags: only that one can be picked.
        List<ConsensusEntry> entries = new ArrayList<>();
        for (ConsensusEntry e : DOCUMENT.entries()) {
            entries.add(new ConsensusEntry(e.signed(), Set.of(), e.weight()));
        }
        ConsensusEntry chosen = DOCUMENT.entries().get(7);
        entries.set(7, new ConsensusEntry(chosen.signed(), EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID), 5));
        ConsensusDocument doc = new ConsensusDocument(AFTER, UNTIL, entries);
        List<HeaderSignature> s = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            s.add(doc.sign(AUTHORITIES.get(a)));
        }
        VerifiedConsensus verified = SET.verify(doc.withSignatures(s), TestRelays.NOW).consensus().orElseThrow();
        FullListRelaySampler sampler = FullListRelaySampler.of(verified, new java.util.SplittableRandom(1), 4);
        for (int i = 0; i < 20; i++) {
            RelayDescriptor picked = sampler.pick(RelayRole.MIDDLE, org.veilswarm.api.directory.PathConstraints.none())
                    .toCompletableFuture().get();
            assertTrue(picked.sameRelay(chosen.signed().descriptor()));
            assertEquals(EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID), picked.flags());
        }
        assertThrows(java.util.concurrent.ExecutionException.class, () -> sampler.pick(RelayRole.GUARD,
                org.veilswarm.api.directory.PathConstraints.none()).toCompletableFuture().get());
        // The merkle trees of the same list agree: one MIDDLE leaf of weight 5, no GUARD.
        MerkleConsensus merkle = MerkleConsensus.of(doc);
        assertEquals(1, merkle.tree(RelayRole.MIDDLE).size());
        assertEquals(5, merkle.tree(RelayRole.MIDDLE).bandwidthSum());
        assertEquals(0, merkle.tree(RelayRole.GUARD).size());
    }

    @Test
    void theVouchedParserLeavesRelaySignaturesToTheAuthoritiesAndKeepsEveryOtherCheck() throws Exception {
        RelayDescriptorParser vouched = RelayDescriptorParser.vouchedForByAuthorities();
        byte[] honest = DOCUMENT.withSignatures(signatures(DOCUMENT, 0, 1, 2)).encode();
        assertEquals(DOCUMENT.entries(), SignedConsensus.decode(honest, vouched).document().entries());

        // A descriptor whose relay signature is broken, which a majority of authorities nonetheless signed
        // (only a colluding majority can do that): the strict parser refuses it, the vouched one trusts them.
        List<ConsensusEntry> entries = new ArrayList<>(DOCUMENT.entries());
        byte[] broken = entries.get(0).signed().document();
        broken[broken.length - 5] ^= 1;
        byte[] forgedSignature = broken;
        ConsensusEntry original = entries.get(0);
        entries.set(0, new ConsensusEntry(new SignedRelayDescriptor(original.signed().descriptor(), forgedSignature),
                original.flags(), original.weight()));
        ConsensusDocument colluded = new ConsensusDocument(AFTER, UNTIL, entries);
        byte[] encoded = colluded.withSignatures(signatures(colluded, 0, 1, 2)).encode();
        assertEquals(Outcome.MALFORMED, SET.verifyConsensus(encoded, TestRelays.PARSER, TestRelays.NOW).outcome());
        assertEquals(Outcome.ACCEPTED, SET.verifyConsensus(encoded, vouched, TestRelays.NOW).outcome());
        // Without the majority the same list is refused either way.
        byte[] minority = colluded.withSignatures(signatures(colluded, 0)).encode();
        assertEquals(Outcome.NO_MAJORITY, SET.verifyConsensus(minority, vouched, TestRelays.NOW).outcome());
        // Syntax and canonical form are still checked: a changed keyword fails to parse.
        byte[] garbled = honest.clone();
        garbled[ConsensusDocument.FIXED_LENGTH + ConsensusDocument.ENTRY_OVERHEAD + 2] = 'X';
        assertThrows(ConsensusException.class, () -> SignedConsensus.decode(garbled, vouched));
    }

    private static void assertMalformed(byte[] bytes, String expected) {
        ConsensusException e = assertThrows(ConsensusException.class,
                () -> SignedConsensus.decode(bytes, TestRelays.PARSER));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(Outcome.MALFORMED, SET.verifyConsensus(bytes, TestRelays.PARSER, TestRelays.NOW).outcome());
    }

    @Test
    void listsAndVotesOverTheClientsSixtyFourMebibyteCapAreRefusedBeforeReading() {
        byte[] huge = new byte[(64 << 20) + 1];
        ConsensusException e = assertThrows(ConsensusException.class,
                () -> SignedConsensus.decode(huge, TestRelays.PARSER));
        assertTrue(e.getMessage().contains("at most " + (64 << 20)), e.getMessage());
        ConsensusException v = assertThrows(ConsensusException.class, () -> SET.voteSignerOf(huge));
        assertTrue(v.getMessage().contains("at most " + (64 << 20)), v.getMessage());
    }
}
