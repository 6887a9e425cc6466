package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/** The HSDir cache rules: verification, revision counters, expiry and bounds. */
class HsDirStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    private static final TimePeriod PERIOD = TimePeriod.containing(NOW);

    private final MutableClock clock = new MutableClock(NOW);
    private final HsDirStore store = new HsDirStore(clock, HsDirStore.Limits.DEFAULT);
    private final TestServices service = TestServices.create();

    @Test
    void storesUnderTheBlindedKeyAndServesTheSameBytes() throws Exception {
        byte[] descriptor = service.builder(PERIOD).revisionCounter(1).build(NOW).encoded();
        byte[] blinded = store.publish(descriptor);
        assertArrayEquals(HsKeys.blindedPublicKey(service.identity.publicKey(), PERIOD), blinded);
        assertArrayEquals(descriptor, store.fetch(blinded).orElseThrow());
        assertTrue(store.fetch(HsKeys.blindedPublicKey(service.identity.publicKey(), PERIOD.next())).isEmpty());
        assertEquals(descriptor.length, store.totalBytes());
    }

    @Test
    void onlyAHigherRevisionReplaces() throws Exception {
        byte[] five = service.builder(PERIOD).revisionCounter(5).build(NOW).encoded();
        byte[] four = service.builder(PERIOD).revisionCounter(4).build(NOW).encoded();
        byte[] otherFive = service.builder(PERIOD).revisionCounter(5).build(NOW).encoded();
        byte[] six = service.builder(PERIOD).revisionCounter(6).build(NOW).encoded();
        byte[] blinded = store.publish(five);

        assertEquals(HsDirStore.Refusal.STALE_REVISION,
                assertThrows(HsDirStore.RefusedException.class, () -> store.publish(four)).refusal());
        assertEquals(HsDirStore.Refusal.STALE_REVISION,
                assertThrows(HsDirStore.RefusedException.class, () -> store.publish(otherFive)).refusal());
        assertArrayEquals(five, store.fetch(blinded).orElseThrow());
        store.publish(six);
        assertArrayEquals(six, store.fetch(blinded).orElseThrow());
        assertEquals(1, store.size());
        assertEquals(six.length, store.totalBytes());
    }

    @Test
    void invalidDescriptorsAreRefusedWithTheirReason() throws Exception {
        String text = new String(service.builder(PERIOD).revisionCounter(2).build(NOW).encoded(), StandardCharsets.US_ASCII);
        byte[] altered = text.replace("revision-counter 2\n", "revision-counter 3\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(Reason.BAD_SIGNATURE, assertThrows(DescriptorException.class, () -> store.publish(altered)).reason());
        byte[] expired = service.builder(PERIOD).certExpiration(NOW.minusSeconds(3600)).build(NOW).encoded();
        assertEquals(Reason.EXPIRED_CERTIFICATE, assertThrows(DescriptorException.class, () -> store.publish(expired)).reason());
        assertEquals(Reason.TOO_LARGE, assertThrows(DescriptorException.class,
                () -> store.publish(new byte[HsDescriptor.MAX_SIZE + 1])).reason());
        assertEquals(0, store.size());
    }

    @Test
    void expiresAfterTheLifetimeAndThenAcceptsAnyRevision() throws Exception {
        byte[] descriptor = service.builder(PERIOD).lifetimeMinutes(60).revisionCounter(9).build(NOW).encoded();
        byte[] blinded = store.publish(descriptor);
        clock.advance(Duration.ofMinutes(59));
        assertTrue(store.fetch(blinded).isPresent());
        clock.advance(Duration.ofMinutes(2));
        assertTrue(store.fetch(blinded).isEmpty());
        assertEquals(1, store.expire());
        assertEquals(0, store.totalBytes());
        // A restarted service may begin again at a lower counter once the old copy is gone.
        store.publish(service.builder(PERIOD).revisionCounter(1).build(clock.instant()).encoded());
        assertTrue(store.fetch(blinded).isPresent());
    }

    @Test
    void neverKeepsADescriptorPastItsCertificate() throws Exception {
        byte[] descriptor = service.builder(PERIOD).lifetimeMinutes(720).certExpiration(NOW.plus(Duration.ofHours(2)))
                .build(NOW).encoded();
        byte[] blinded = store.publish(descriptor);
        clock.advance(Duration.ofHours(2).plusMinutes(1));
        assertTrue(store.fetch(blinded).isEmpty());
    }

    @Test
    void aFullStoreRefusesNewKeysUntilSomethingExpires() throws Exception {
        HsDirStore small = new HsDirStore(clock, new HsDirStore.Limits(2, 1024 * 1024));
        small.publish(TestServices.create().builder(PERIOD).lifetimeMinutes(30).build(NOW).encoded());
        TestServices second = TestServices.create();
        small.publish(second.builder(PERIOD).lifetimeMinutes(120).revisionCounter(1).build(NOW).encoded());
        byte[] third = TestServices.create().builder(PERIOD).build(NOW).encoded();
        assertEquals(HsDirStore.Refusal.FULL,
                assertThrows(HsDirStore.RefusedException.class, () -> small.publish(third)).refusal());
        // A known key may still be updated when full.
        small.publish(second.builder(PERIOD).lifetimeMinutes(120).revisionCounter(2).build(NOW).encoded());
        clock.advance(Duration.ofMinutes(31));
        small.publish(third);
        assertEquals(2, small.size());
    }
}
