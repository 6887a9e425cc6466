package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

class RelayOnionKeysTest {
    private final Ed25519KeyPair nodeKey = Ed25519.generateKeyPair();
    private final ServiceKey serviceKey = EngineTestValues.serviceKey(nodeKey);

    @Test
    void aPeriodIsTwentyEightDaysCountedFromTheEpoch() {
        long days28 = RelayOnionKeys.ROTATION.toSeconds();
        assertEquals(28L * 86_400, days28);
        assertEquals(0, RelayOnionKeys.period(Instant.EPOCH));
        assertEquals(0, RelayOnionKeys.period(Instant.ofEpochSecond(days28 - 1)));
        assertEquals(1, RelayOnionKeys.period(Instant.ofEpochSecond(days28)));
        assertEquals(-1, RelayOnionKeys.period(Instant.ofEpochSecond(-1)));
        // 2026-11-22 is day 20,779 since the epoch: period 742.
        assertEquals(742, RelayOnionKeys.period(Instant.parse("2026-11-22T00:00:00Z")));
    }

    @Test
    void theKeyDependsOnTheNodeAndThePeriodOnly() {
        byte[] now = RelayOnionKeys.derive(serviceKey, 742).publicKey();
        assertArrayEquals(now, RelayOnionKeys.derive(serviceKey, 742).publicKey(), "same node, same period");
        assertFalse(Arrays.equals(now, RelayOnionKeys.derive(serviceKey, 743).publicKey()), "the next period rotates");
        ServiceKey other = EngineTestValues.serviceKey(Ed25519.generateKeyPair());
        assertFalse(Arrays.equals(now, RelayOnionKeys.derive(other, 742).publicKey()), "another node, another key");
        assertFalse(Arrays.equals(now, nodeKey.publicKey()));
        assertFalse(Arrays.equals(now, RelayIdentity.derive(serviceKey).publicKey()));
    }
}
