package org.veilswarm.node.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;

class Ed25519NodeIdentityTest {

    private static final byte[] MESSAGE = "share record v1".getBytes(StandardCharsets.UTF_8);

    private final Ed25519NodeIdentity identity = new Ed25519NodeIdentity(Ed25519.generateKeyPair());

    @AfterEach
    void close() {
        identity.close();
    }

    @Test
    void theAddressIsTheOnionAddressOfThePublicKey() {
        OnionAddress address = identity.address();

        assertArrayEquals(identity.publicKey(), address.publicKey());
        assertEquals(address, OnionAddress.parse(address.hostName()));
        assertEquals(56 + ".onion".length(), address.hostName().length());
    }

    @Test
    void aSignatureByTheNodeVerifies() {
        byte[] signature = identity.sign(MESSAGE);

        assertEquals(64, signature.length);
        assertTrue(identity.verify(identity.publicKey(), MESSAGE, signature));
        assertTrue(Ed25519.verify(identity.publicKey(), MESSAGE, signature), "and verifies with crypto directly");
    }

    @Test
    void aSignatureWithOneFlippedBitDoesNotVerify() {
        byte[] signature = identity.sign(MESSAGE);
        for (int bit : new int[] {0, 7, 255, 256, 511}) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));

            assertFalse(identity.verify(identity.publicKey(), MESSAGE, flipped), "bit " + bit);
        }
    }

    @Test
    void aMessageWithOneFlippedBitDoesNotVerify() {
        byte[] signature = identity.sign(MESSAGE);
        byte[] changed = MESSAGE.clone();
        changed[3] ^= 0x10;

        assertFalse(identity.verify(identity.publicKey(), changed, signature));
    }

    @Test
    void anotherNodesKeyDoesNotVerifyOurSignature() {
        try (Ed25519NodeIdentity other = new Ed25519NodeIdentity(Ed25519.generateKeyPair())) {
            assertFalse(other.verify(other.publicKey(), MESSAGE, identity.sign(MESSAGE)));
            assertTrue(other.verify(identity.publicKey(), MESSAGE, identity.sign(MESSAGE)),
                    "verify checks any key, not only the node's own");
        }
    }

    @Test
    void malformedInputToVerifyIsFalseNeverAnException() {
        byte[] signature = identity.sign(MESSAGE);
        byte[] key = identity.publicKey();

        assertFalse(identity.verify(null, MESSAGE, signature));
        assertFalse(identity.verify(key, null, signature));
        assertFalse(identity.verify(key, MESSAGE, null));
        assertFalse(identity.verify(Arrays.copyOf(key, 31), MESSAGE, signature));
        assertFalse(identity.verify(key, MESSAGE, Arrays.copyOf(signature, 63)));
        assertFalse(identity.verify(key, MESSAGE, Arrays.copyOf(signature, 65)));
        byte[] notAPoint = new byte[32];
        Arrays.fill(notAPoint, (byte) 0xff);
        assertFalse(identity.verify(notAPoint, MESSAGE, signature));
    }

    @Test
    void theServiceKeysExpandedSecretKeyBelongsToTheNodeAddress() {
        ServiceKey key = identity.serviceKey();
        byte[] expanded = key.expandedSecretKey();

        assertEquals(64, expanded.length);
        assertEquals(identity.address(), key.address());
        assertArrayEquals(identity.address().publicKey(), Ed25519.publicKeyFromExpandedSecretKey(expanded));
        assertEquals(identity.address(), OnionAddress.fromPublicKey(Ed25519.publicKeyFromExpandedSecretKey(expanded)));
    }

    @Test
    void theExpandedSecretKeyIsACopyTheCallerMayZero() {
        byte[] first = identity.serviceKey().expandedSecretKey();
        byte[] expected = first.clone();
        Arrays.fill(first, (byte) 0);

        assertArrayEquals(expected, identity.serviceKey().expandedSecretKey());
    }

    @Test
    void thePublicKeyIsACopy() {
        byte[] key = identity.publicKey();
        key[0] ^= 1;

        assertNotEquals(key[0], identity.publicKey()[0]);
    }

    @Test
    void afterCloseTheSecretIsGone() {
        ServiceKey key = identity.serviceKey();
        byte[] signature = identity.sign(MESSAGE);

        identity.close();

        assertThrows(IllegalStateException.class, () -> identity.sign(MESSAGE));
        assertThrows(IllegalStateException.class, key::expandedSecretKey);
        assertTrue(identity.verify(identity.publicKey(), MESSAGE, signature), "public operations still work");
    }
}
