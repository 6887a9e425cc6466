package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.crypto.Vectors.bytes;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veilswarm.crypto.internal.ScalarModL;

/** RFC 8032 §7.1 vectors, failing cases, and the expanded-key path against the seed path. */
class Ed25519Test {

    static Stream<Arguments> rfc8032() {
        List<Map<String, String>> records = Vectors.load("rfc8032-ed25519.txt");
        assertEquals(5, records.size(), "TEST 1, 2, 3, 1024 and SHA(abc)");
        return records.stream().map(r -> Arguments.of(r.get("name"), r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8032")
    void publicKeyAndSignatureMatchTheRfc(String name, Map<String, String> vector) {
        byte[] seed = bytes(vector, "secret");
        byte[] message = bytes(vector, "message");
        byte[] expectedPublic = bytes(vector, "public");
        byte[] expectedSignature = bytes(vector, "signature");

        assertArrayEquals(expectedPublic, Ed25519.publicKeyFromSeed(seed));
        assertArrayEquals(expectedSignature, Ed25519.sign(seed, message));
        assertArrayEquals(expectedSignature, Ed25519.keyPairFromSeed(seed).sign(message));
        assertTrue(Ed25519.verify(expectedPublic, message, expectedSignature));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8032")
    void expandedSecretKeySignsExactlyLikeTheSeed(String name, Map<String, String> vector) {
        byte[] expanded = Ed25519.expandSecretKey(bytes(vector, "secret"));
        byte[] publicKey = bytes(vector, "public");

        assertArrayEquals(publicKey, Ed25519.publicKeyFromExpandedSecretKey(expanded));
        assertArrayEquals(bytes(vector, "signature"),
                Ed25519.signWithExpandedSecretKey(expanded, publicKey, bytes(vector, "message")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc8032")
    void anyFlippedBitMakesVerificationFail(String name, Map<String, String> vector) {
        byte[] publicKey = bytes(vector, "public");
        byte[] message = bytes(vector, "message");
        byte[] signature = bytes(vector, "signature");

        for (int bit : new int[] {0, 7, 255, 256, 300, 511}) {
            assertFalse(Ed25519.verify(publicKey, message, flip(signature, bit)), "signature bit " + bit);
        }
        for (int bit : new int[] {0, 100, 254, 255}) {
            assertFalse(Ed25519.verify(flip(publicKey, bit), message, signature), "public key bit " + bit);
        }
        if (message.length > 0) {
            assertFalse(Ed25519.verify(publicKey, flip(message, 0), signature), "message bit 0");
            assertFalse(Ed25519.verify(publicKey, flip(message, message.length * 8 - 1), signature),
                    "last message bit");
            assertFalse(Ed25519.verify(publicKey, Arrays.copyOf(message, message.length - 1), signature),
                    "truncated message");
        }
        assertFalse(Ed25519.verify(publicKey, Arrays.copyOf(message, message.length + 1), signature),
                "extended message");
    }

    @Test
    void nonCanonicalScalarIsRejected() {
        // S + L verifies the same equation; RFC 8032 §5.1.7 requires rejecting S >= L (malleability).
        Map<String, String> vector = Vectors.load("rfc8032-ed25519.txt").get(1);
        byte[] signature = bytes(vector, "signature");
        BigInteger s = new BigInteger(1, reverse(Arrays.copyOfRange(signature, 32, 64)));
        byte[] malleated = Arrays.copyOf(signature, 64);
        byte[] sPlusL = reverse(toFixed(s.add(ScalarModL.order()), 32));
        System.arraycopy(sPlusL, 0, malleated, 32, 32);

        assertTrue(Ed25519.verify(bytes(vector, "public"), bytes(vector, "message"), signature));
        assertFalse(Ed25519.verify(bytes(vector, "public"), bytes(vector, "message"), malleated));
    }

    @Test
    void verifiesAMessageRangeInsideALargerArray() {
        Ed25519KeyPair pair = Ed25519.generateKeyPair();
        byte[] buffer = Randoms.bytes(100);
        byte[] signature = pair.sign(buffer, 10, 50);

        assertTrue(Ed25519.verify(pair.publicKey(), buffer, 10, 50, signature));
        assertTrue(Ed25519.verify(pair.publicKey(), Arrays.copyOfRange(buffer, 10, 60), signature));
        assertFalse(Ed25519.verify(pair.publicKey(), buffer, 11, 50, signature));
    }

    @Test
    void generatedKeysSignAndVerifyAndDiffer() {
        Ed25519KeyPair first = Ed25519.generateKeyPair();
        Ed25519KeyPair second = Ed25519.generateKeyPair();
        byte[] message = "veilswarm".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertTrue(first.verify(message, first.sign(message)));
        assertFalse(second.verify(message, first.sign(message)));
        assertFalse(Arrays.equals(first.publicKey(), second.publicKey()));
        assertArrayEquals(first.publicKey(), Ed25519.publicKeyFromSeed(first.seed()));
        assertArrayEquals(Ed25519.expandSecretKey(first.seed()), first.expandedSecretKey());
        assertTrue(Ed25519.isValidPublicKey(first.publicKey()));
    }

    @Test
    void expandedKeyIsClampedSha512OfTheSeed() {
        byte[] seed = Randoms.bytes(32);
        byte[] hash = Digests.sha512(seed);
        byte[] expanded = Ed25519.expandSecretKey(seed);

        assertEquals(0, expanded[0] & 7, "low three bits cleared");
        assertEquals(0x40, expanded[31] & 0xc0, "bit 255 cleared, bit 254 set");
        assertArrayEquals(Arrays.copyOfRange(hash, 1, 31), Arrays.copyOfRange(expanded, 1, 31));
        assertArrayEquals(Arrays.copyOfRange(hash, 32, 64), Arrays.copyOfRange(expanded, 32, 64));
    }

    @Test
    void wrongLengthsAreRejectedWithTheLengthInTheMessage() {
        byte[] publicKey = new byte[32];
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> Ed25519.verify(new byte[31], new byte[0], new byte[64]));
        assertTrue(shortKey.getMessage().contains("32") && shortKey.getMessage().contains("31"), shortKey.getMessage());
        IllegalArgumentException longSignature = assertThrows(IllegalArgumentException.class,
                () -> Ed25519.verify(publicKey, new byte[0], new byte[65]));
        assertTrue(longSignature.getMessage().contains("signature"), longSignature.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKeyFromSeed(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> Ed25519.sign(new byte[16], new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> Ed25519.expandSecretKey(new byte[64]));
        assertThrows(IllegalArgumentException.class,
                () -> Ed25519.signWithExpandedSecretKey(new byte[32], publicKey, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> Ed25519.blindPublicKey(publicKey, new byte[31]));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Ed25519.verify(publicKey, new byte[10], 5, 6, new byte[64]));
    }

    @Test
    void smallOrderAndUndecodablePublicKeysAreNotValid() {
        // The neutral element (0, 1) has order 1; y = p is not a canonical encoding.
        assertFalse(Ed25519.isValidPublicKey(Vectors.hex(
                "0100000000000000000000000000000000000000000000000000000000000000")));
        assertFalse(Ed25519.isValidPublicKey(Vectors.hex(
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
        for (Map<String, String> vector : Vectors.load("rfc8032-ed25519.txt")) {
            assertTrue(Ed25519.isValidPublicKey(bytes(vector, "public")), vector.get("name"));
        }
    }

    @Test
    void garbageSignatureIsFalseNotAnException() {
        byte[] publicKey = Ed25519.generateKeyPair().publicKey();
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);

        assertFalse(Ed25519.verify(publicKey, new byte[3], new byte[64]));
        assertFalse(Ed25519.verify(publicKey, new byte[3], allOnes));
        assertFalse(Ed25519.verify(new byte[32], new byte[3], allOnes));
    }

    @Test
    void keyPairNeverPrintsItsSeedAndDestroyZeroesIt() {
        byte[] seed = Randoms.bytes(32);
        Ed25519KeyPair pair = Ed25519.keyPairFromSeed(seed);
        String text = pair.toString();

        assertFalse(text.contains(Vectors.hex(seed)));
        assertFalse(text.contains(Base64.getEncoder().encodeToString(seed)));
        assertTrue(text.contains(Base64.getEncoder().encodeToString(pair.publicKey())));

        seed[0] ^= 1;
        assertFalse(Arrays.equals(seed, pair.seed()), "the pair keeps its own copy");
        pair.destroy();
        assertTrue(pair.isDestroyed());
        assertThrows(IllegalStateException.class, pair::seed);
        assertThrows(IllegalStateException.class, () -> pair.sign(new byte[1]));
        assertThrows(IllegalStateException.class, pair::expandedSecretKey);
    }

    static byte[] flip(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    static byte[] toFixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }
}
