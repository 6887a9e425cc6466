package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;

class RelayDescriptorDocumentTest {

    @Test
    void randomDescriptorsRoundTripExactly() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            SignedRelayDescriptor signed = TestRelays.randomRelay(random);
            SignedRelayDescriptor parsed = TestRelays.PARSER.parse(signed.document());
            assertArrayEquals(signed.document(), parsed.document());
            assertDescriptorEquals(signed.descriptor(), parsed.descriptor());
        }
    }

    @Test
    void publishedIsTruncatedToSecondsBeforeSigning() throws Exception {
        Ed25519KeyPair key = TestRelays.key(1);
        RelayDescriptor d = BadDescriptorCorpusWriter.full(key, Instant.parse("2026-11-21T12:00:00.987Z"));
        SignedRelayDescriptor signed = RelayDescriptorDocument.sign(d, key);
        assertEquals(Instant.parse("2026-11-21T12:00:00Z"), signed.descriptor().published());
        assertEquals(signed.descriptor().published(), TestRelays.PARSER.parse(signed.document()).descriptor().published());
    }

    @Test
    void signingWithAnotherKeyIsRefused() {
        RelayDescriptor d = BadDescriptorCorpusWriter.full(TestRelays.key(1), TestRelays.NOW);
        assertThrows(IllegalArgumentException.class, () -> RelayDescriptorDocument.sign(d, TestRelays.key(2)));
    }

    @Test
    void theSkewIsConfigurable() throws Exception {
        Ed25519KeyPair key = TestRelays.key(1);
        byte[] doc = RelayDescriptorDocument.sign(BadDescriptorCorpusWriter.full(key, TestRelays.NOW.plusSeconds(120)),
                key).document();
        RelayDescriptorParser strict = new RelayDescriptorParser(TestRelays.CLOCK, Duration.ofSeconds(60));
        assertEquals(DescriptorException.Reason.PUBLISHED_IN_FUTURE,
                assertThrows(DescriptorException.class, () -> strict.parse(doc)).reason());
        assertEquals(TestRelays.NOW.plusSeconds(120), TestRelays.PARSER.parse(doc).descriptor().published());
    }

    @Test
    void everySignatureByteMatters() throws Exception {
        Ed25519KeyPair key = TestRelays.key(1);
        byte[] doc = RelayDescriptorDocument.sign(BadDescriptorCorpusWriter.full(key, TestRelays.NOW), key).document();
        String text = new String(doc, StandardCharsets.US_ASCII);
        int sig = text.indexOf("signature-ed25519 ") + "signature-ed25519 ".length();
        int failures = 0;
        // Change one character of the signature at a time (keeping the base64 canonical: not the last one).
        for (int i = sig; i < doc.length - 2; i++) {
            byte[] changed = doc.clone();
            changed[i] = (byte) (changed[i] == 'A' ? 'B' : 'A');
            DescriptorException e = assertThrows(DescriptorException.class, () -> TestRelays.PARSER.parse(changed));
            assertEquals(DescriptorException.Reason.BAD_SIGNATURE, e.reason());
            failures++;
        }
        assertEquals(85, failures);
    }

    @Test
    void maximalDescriptorFitsTheSizeLimit() throws Exception {
        Random random = new Random(3);
        Ed25519KeyPair key = TestRelays.key(1);
        java.util.List<java.net.InetSocketAddress> addresses = new java.util.ArrayList<>();
        for (int i = 0; i < RelayDescriptorDocument.MAX_OR_ADDRESSES; i++) {
            byte[] v6 = new byte[16];
            random.nextBytes(v6);
            addresses.add(new java.net.InetSocketAddress(TestRelays.address(v6), 65535));
        }
        Set<RelayDescriptor.Key> family = new java.util.HashSet<>();
        while (family.size() < RelayDescriptorDocument.MAX_FAMILY) {
            byte[] member = new byte[32];
            random.nextBytes(member);
            family.add(new RelayDescriptor.Key(member));
        }
        RelayDescriptor d = new RelayDescriptor(key.publicKey(), new byte[32], addresses,
                RelayDescriptorDocument.MAX_BANDWIDTH, RelayDescriptorDocument.MAX_BANDWIDTH, family, "x".repeat(64),
                Set.of(RelayFlag.values()), TestRelays.NOW);
        byte[] doc = RelayDescriptorDocument.sign(d, key).document();
        assertTrue(doc.length < RelayDescriptorDocument.MAX_DOCUMENT_BYTES / 2, doc.length + " bytes");
        assertArrayEquals(doc, TestRelays.PARSER.parse(doc).document());
    }

    @Test
    void tooManyAddressesAreRefusedWhenWriting() {
        Ed25519KeyPair key = TestRelays.key(1);
        java.util.List<java.net.InetSocketAddress> addresses = new java.util.ArrayList<>();
        for (int i = 0; i <= RelayDescriptorDocument.MAX_OR_ADDRESSES; i++) {
            addresses.add(new java.net.InetSocketAddress(TestRelays.address(new byte[] {10, 0, 0, (byte) i}), 9001));
        }
        RelayDescriptor d = new RelayDescriptor(key.publicKey(), new byte[32], addresses, 1, 0, Set.of(), "v",
                Set.of(), TestRelays.NOW);
        assertThrows(IllegalArgumentException.class, () -> RelayDescriptorDocument.sign(d, key));
    }

    static void assertDescriptorEquals(RelayDescriptor expected, RelayDescriptor actual) {
        assertArrayEquals(expected.identity(), actual.identity());
        assertArrayEquals(expected.ntorOnionKey(), actual.ntorOnionKey());
        assertEquals(expected.orAddresses(), actual.orAddresses());
        assertEquals(expected.bandwidthObserved(), actual.bandwidthObserved());
        assertEquals(expected.bandwidthConfigured(), actual.bandwidthConfigured());
        assertEquals(expected.family(), actual.family());
        assertEquals(expected.version(), actual.version());
        assertEquals(expected.flags(), actual.flags());
        assertEquals(expected.published(), actual.published());
    }
}
