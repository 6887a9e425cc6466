package org.veilswarm.api.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class OnionAddressTest {

    private static List<String[]> vectors(String kind) throws IOException {
        try (InputStream in = OnionAddressTest.class.getResourceAsStream("/vectors/onion-addresses.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> l.startsWith(kind + " "))
                    .map(l -> l.split(" "))
                    .toList();
        }
    }

    @Test
    void specExamplesParseAndReencode() throws IOException {
        List<String[]> examples = vectors("example");
        assertEquals(3, examples.size());
        for (String[] v : examples) {
            OnionAddress a = OnionAddress.parse(v[1]);
            assertEquals(v[1], a.hostName());
            assertEquals(a, OnionAddress.fromPublicKey(a.publicKey()));
        }
    }

    @Test
    void knownKeyGivesTorsAddress() throws IOException {
        List<String[]> keys = vectors("key");
        assertFalse(keys.isEmpty());
        for (String[] v : keys) {
            byte[] key = HexFormat.of().parseHex(v[1]);
            OnionAddress a = OnionAddress.fromPublicKey(key);
            assertEquals(v[2], a.hostName());
            assertArrayEquals(key, OnionAddress.parse(v[2]).publicKey());
        }
    }

    @Test
    void acceptsUpperCaseNoSuffixAndSubdomains() {
        String host = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";
        OnionAddress a = OnionAddress.parse(host);
        assertEquals(a, OnionAddress.parse(host.toUpperCase()));
        assertEquals(a, OnionAddress.parse(host.substring(0, 56)));
        assertEquals(a, OnionAddress.parse("www." + host));
    }

    @Test
    void everySingleCharacterTypoIsCaught() {
        String label = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd";
        int caught = 0;
        int tried = 0;
        for (int i = 0; i < label.length(); i++) {
            char replacement = label.charAt(i) == 'a' ? 'b' : 'a';
            String typo = label.substring(0, i) + replacement + label.substring(i + 1);
            tried++;
            if (!OnionAddress.isValid(typo)) {
                caught++;
            }
        }
        // Characters in the key part change the checksum; those in checksum/version break them directly.
        assertEquals(tried, caught);
    }

    @Test
    void rejectsWithReasons() {
        assertMessage("expected 56", "abc.onion");
        assertMessage("base32", "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscry1");
        assertMessage("checksum", "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscrad");
        assertThrows(IllegalArgumentException.class, () -> OnionAddress.parse(null));
        assertThrows(IllegalArgumentException.class, () -> OnionAddress.fromPublicKey(new byte[31]));
    }

    @Test
    void versionOtherThanThreeIsRejected() {
        // Build a label whose checksum is right for version 3 but whose version byte says 4.
        byte[] key = new byte[32];
        new Random(7).nextBytes(key);
        String good = OnionAddress.fromPublicKey(key).label();
        // The last base32 character carries the low bits of the version byte: 0x03 -> 'd' with 1 pad bit.
        String bad = good.substring(0, 55) + "e";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnionAddress.parse(bad));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void randomKeysRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            OnionAddress a = OnionAddress.fromPublicKey(key);
            assertEquals(56, a.label().length());
            assertArrayEquals(key, OnionAddress.parse(a.hostName()).publicKey());
        }
    }

    private static void assertMessage(String fragment, String input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnionAddress.parse(input));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
