package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.transport.onion.hs.DescriptorException.Reason;

/**
 * Descriptors written by another implementation (vectors/hs/README.md): {@code arti-hsdesc2.txt} is Arti's test
 * descriptor {@code crates/tor-netdoc/testdata/hsdesc2.txt} (a service with client authorization, with the
 * onion address, time period, subcredential and client key Arti's tests give beside it). Our reader must
 * derive the same blinded key and subcredential, verify it, open both layers with the client key, refuse
 * without it, and re-encode every layer to the same bytes.
 */
class CTorDescriptorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final OnionAddress ADDRESS =
            OnionAddress.parse("paozpdhgz2okvc6kgbxvh2bnfsmt4xergrtcl4obkhopyvwxkpjzvoad.onion");
    private static final Instant VALID_AT = Instant.parse("2023-02-09T12:00:00Z");
    private static final byte[] CLIENT_SECRET =
            HEX.parseHex("90f2d60f917f2423f0989ce9979639435a5b01cf7ab3e0a1b900beb892bae443");

    @Test
    void keysMatchThoseGivenWithTheDescriptor() {
        TimePeriod period = TimePeriod.containing(VALID_AT);
        assertEquals(19397, period.number());
        assertArrayEquals(HEX.parseHex("781d978ce6ce9caa8bca306f53e82d2c993e5c91346625f1c151dcfc56d753d3"),
                ADDRESS.publicKey());
        byte[] blinded = HsKeys.blindedPublicKey(ADDRESS.publicKey(), period);
        assertArrayEquals(HEX.parseHex("706628758208395d461aa0f460a5e76e7b828c66b5e794768592b451302e961d"), blinded);
        assertArrayEquals(HEX.parseHex("24a133e905102bda9a6afe57f901366a1b8281865a91f1fe0853e4b50cc8b070"),
                HsKeys.subcredential(ADDRESS.publicKey(), blinded));
    }

    @Test
    void opensWithTheClientKeyAndReencodesEveryLayer() throws Exception {
        byte[] document = read("/vectors/hs/arti-hsdesc2.txt");
        TimePeriod period = TimePeriod.containing(VALID_AT);
        DecryptedDescriptor opened = HsDescriptorReader.open(document, ADDRESS, period, VALID_AT, CLIENT_SECRET);

        assertTrue(opened.clientAuthorized());
        assertEquals(3, opened.secondLayer().introPoints().size());
        assertArrayEquals(document, HsDescriptor.parse(document).encoded());
        assertArrayEquals(document, opened.outer().encoded());
        byte[] blinded = opened.outer().blindedKey();
        byte[] subcredential = HsKeys.subcredential(ADDRESS.publicKey(), blinded);
        byte[] firstPadded = DescriptorCipher.decrypt(blinded, subcredential, opened.outer().revisionCounter(),
                DescriptorCipher.SUPERENCRYPTED_CONSTANT, opened.outer().superencrypted());
        assertArrayEquals(firstPadded, FirstLayer.parse(firstPadded).encodePadded());

        assertEquals(Reason.NOT_AUTHORIZED, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(document, ADDRESS, period, VALID_AT)).reason());
    }

    /** Arti's hsdesc1 (no client authorization), opened with the blinded key and subcredential given with it. */
    @Test
    void opensADescriptorWithoutClientAuthorizationFromItsKeys() throws Exception {
        byte[] document = read("/vectors/hs/arti-hsdesc1.txt");
        byte[] blinded = HEX.parseHex("43cc0d62fc6252f578705ca645a46109e265290343b1137e90189744b20b3f2d");
        byte[] subcredential = HEX.parseHex("78210a0d2c72bb7a0caf606bcd938b9a3696894fdddbc3b87d424753a7e3df37");
        Instant at = Instant.parse("2023-01-23T15:00:00Z");
        DecryptedDescriptor opened = HsDescriptorReader.open(document, blinded, subcredential, at, null);
        assertTrue(!opened.clientAuthorized());
        assertTrue(opened.secondLayer().introPoints().size() > 0);
        assertArrayEquals(document, opened.outer().encoded());
        assertEquals(Reason.WRONG_BLINDED_KEY, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(document, subcredential, subcredential, at, null)).reason());
        assertEquals(Reason.BAD_MAC, assertThrows(DescriptorException.class,
                () -> HsDescriptorReader.open(document, blinded, blinded, at, null)).reason());
    }

    private static byte[] read(String resource) throws Exception {
        try (InputStream in = CTorDescriptorTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
