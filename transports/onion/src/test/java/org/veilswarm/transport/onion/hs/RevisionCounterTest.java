package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Appendix F.2 counters against C tor's values for one AES key (the vectors Arti's {@code ope.rs} test lists
 * as "taken from C tor"), and the property services rely on: later means higher, across restarts.
 */
class RevisionCounterTest {
    private static final long[][] C_TOR = {
            {82283, 2695743564L}, {72661, 2381548866L}, {72941, 2390408421L}, {123122, 4036781069L},
            {12154, 402067100L}, {121574, 3986197593L}, {11391, 376696838L}, {65845, 2161801517L},
            {7110, 234966492L}, {9612, 318326551L}, {1, -1}};

    @Test
    void matchesCTor() throws Exception {
        Constructor<RevisionCounter> raw = RevisionCounter.class.getDeclaredConstructor(byte[].class);
        raw.setAccessible(true);
        RevisionCounter counter = raw.newInstance(
                (Object) HexFormat.of().parseHex("19e05891d55232c08c2cad91d612fdb9cbd6691949a0742434a76c80bc6992fe"));
        for (long[] vector : C_TOR) {
            if (vector[1] >= 0) {
                assertEquals(vector[1], counter.encrypt(vector[0]), "T = " + vector[0]);
            }
        }
        assertTrue(counter.encrypt(2) > counter.encrypt(1));
        assertThrows(IllegalArgumentException.class, () -> counter.encrypt(0));
    }

    @Test
    void laterDescriptorsOfAServiceCountHigherAndOtherServicesDiffer() {
        Instant now = Instant.parse("2026-11-22T04:00:00Z");
        TimePeriod period = TimePeriod.containing(now);
        Ed25519KeyPair identity = org.veilswarm.crypto.Ed25519.generateKeyPair();
        BlindedKeyPair blinded = HsKeys.blindedKeyPair(identity.publicKey(), identity.expandedSecretKey(), period);
        long first = RevisionCounter.forDescriptor(blinded, period, now);
        long restarted = RevisionCounter.forDescriptor(blinded, period, now.plus(Duration.ofSeconds(1)));
        assertTrue(Long.compareUnsigned(restarted, first) > 0);
        assertEquals(first, RevisionCounter.forDescriptor(blinded, period, now), "deterministic: instances agree");
        Ed25519KeyPair other = org.veilswarm.crypto.Ed25519.generateKeyPair();
        assertNotEquals(first, RevisionCounter.forDescriptor(
                HsKeys.blindedKeyPair(other.publicKey(), other.expandedSecretKey(), period), period, now));
    }

    @Test
    void builderDefaultsToTheEncryptedTimeAndTheStoreAcceptsARestartedService() throws Exception {
        Instant now = Instant.parse("2026-11-22T04:00:00Z");
        TimePeriod period = TimePeriod.containing(now);
        TestServices service = TestServices.create();
        MutableClock clock = new MutableClock(now);
        HsDirStore store = new HsDirStore(clock, HsDirStore.Limits.DEFAULT);
        store.publish(service.builder(period).build(now).encoded());
        // A new process with the same key a minute later: no counter was stored anywhere.
        clock.advance(Duration.ofMinutes(1));
        byte[] again = service.builder(period).build(clock.instant()).encoded();
        store.publish(again);
        assertEquals(1, store.size());
    }
}
