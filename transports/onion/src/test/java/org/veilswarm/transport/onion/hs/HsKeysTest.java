package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Blinding factor, blinded keys and subcredential against the values C tor produces for one identity key in
 * time period 1234 (1-day periods). The values are those in Arti's tor-hscrypto {@code key_blinding_testvec},
 * which its authors generated with C tor; only the numbers are taken, the code is ours.
 */
class HsKeysTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] IDENTITY = HEX.parseHex("833990b085c1a688c1d4c8b1f6b56afaf5a2eca674449e1d704f83765ccb7bc6");
    private static final byte[] EXPANDED = HEX.parseHex("d8c7ff0e31295b66540d789af3e3df992038a9592eea01d8b7cba06d6e66d159"
            + "4d6167696320576f7264733a20737065697373636f62616c742062697669756d");
    private static final TimePeriod PERIOD = TimePeriod.containing(Instant.parse("1973-05-20T01:50:33Z"));

    @Test
    void periodOfTheVector() {
        assertEquals(1234, PERIOD.number());
    }

    @Test
    void blindingFactorMatchesCTor() {
        assertArrayEquals(HEX.parseHex("379e50db31fee6775abd0af6fb7c371e060308f4f847db09fe4cfe13af602287"),
                HsKeys.blindingFactor(IDENTITY, PERIOD));
    }

    @Test
    void blindedPublicKeyAndSubcredentialMatchCTor() {
        byte[] blinded = HsKeys.blindedPublicKey(IDENTITY, PERIOD);
        assertArrayEquals(HEX.parseHex("3a50bf210e8f9ee955ae0014f7a6917fb65ebf098a86305abb508d1a7291b6d5"), blinded);
        assertArrayEquals(HEX.parseHex("635d55907816e8d76398a675a50b1c2f3e36b42a5ca77ba3a0441285161ae07d"),
                HsKeys.subcredential(IDENTITY, blinded));
        assertArrayEquals(HsKeys.subcredential(IDENTITY, blinded), HsKeys.subcredential(IDENTITY, PERIOD));
    }

    @Test
    void blindedSecretKeyMatchesCTorAndSigns() {
        BlindedKeyPair pair = HsKeys.blindedKeyPair(IDENTITY, EXPANDED, PERIOD);
        assertArrayEquals(HEX.parseHex("a958dc83ac885f6814c67035de817a2c604d5d2f715282079448f789b656350b"
                + "4540fe1f80aa3f7e91306b7bf7a8e367293352b14a29fdcc8c19f3558075524b"), pair.expandedSecretKey());
        byte[] message = "descriptor".getBytes();
        assertTrue(Ed25519.verify(HsKeys.blindedPublicKey(IDENTITY, PERIOD), message, pair.sign(message)));
        pair.destroy();
        assertTrue(pair.isDestroyed());
    }

    @Test
    void periodsAreUnlinkable() {
        Ed25519KeyPair identity = Ed25519.generateKeyPair();
        byte[] first = HsKeys.blindedPublicKey(identity.publicKey(), PERIOD);
        byte[] second = HsKeys.blindedPublicKey(identity.publicKey(), PERIOD.next());
        assertFalse(Arrays.equals(first, second));
        assertFalse(Arrays.equals(HsKeys.subcredential(identity.publicKey(), PERIOD),
                HsKeys.subcredential(identity.publicKey(), PERIOD.next())));
        assertArrayEquals(first, HsKeys.blindedKeyPair(identity.publicKey(), identity.expandedSecretKey(), PERIOD)
                .publicKey());
    }
}
