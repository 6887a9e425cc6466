package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.crypto.Vectors.bytes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** C tor's ed25519 vectors: expanded keys, self-signatures and rend-spec-v3 A.2 key blinding. */
class Ed25519BlindingTest {

    static Stream<Map<String, String>> torVectors() {
        List<Map<String, String>> records = Vectors.load("tor-ed25519-blinding.txt");
        assertEquals(10, records.size());
        return records.stream();
    }

    @ParameterizedTest
    @MethodSource("torVectors")
    void expandedKeyPublicKeyAndSelfSignatureMatchTor(Map<String, String> vector) {
        byte[] seed = bytes(vector, "seed");
        byte[] expanded = bytes(vector, "expanded");
        byte[] publicKey = bytes(vector, "public");

        assertArrayEquals(expanded, Ed25519.expandSecretKey(seed));
        assertArrayEquals(publicKey, Ed25519.publicKeyFromSeed(seed));
        assertArrayEquals(publicKey, Ed25519.publicKeyFromExpandedSecretKey(expanded));
        assertArrayEquals(bytes(vector, "self-signature"),
                Ed25519.signWithExpandedSecretKey(expanded, publicKey, publicKey));
        assertArrayEquals(bytes(vector, "self-signature"), Ed25519.sign(seed, publicKey));
    }

    @ParameterizedTest
    @MethodSource("torVectors")
    void blindedKeysMatchTor(Map<String, String> vector) {
        byte[] blindingParam = bytes(vector, "blinding-param");
        byte[] blindedExpanded = Ed25519.blindExpandedSecretKey(bytes(vector, "expanded"), blindingParam);
        byte[] blindedPublic = Ed25519.blindPublicKey(bytes(vector, "public"), blindingParam);

        assertArrayEquals(bytes(vector, "blinded-expanded"), blindedExpanded);
        assertArrayEquals(bytes(vector, "blinded-public"), blindedPublic);
        assertArrayEquals(blindedPublic, Ed25519.publicKeyFromExpandedSecretKey(blindedExpanded),
                "blinding the secret and the public half commute");
    }

    @ParameterizedTest
    @MethodSource("torVectors")
    void blindedKeySignsForTheBlindedPublicKeyOnly(Map<String, String> vector) {
        byte[] blindingParam = bytes(vector, "blinding-param");
        byte[] blindedExpanded = Ed25519.blindExpandedSecretKey(bytes(vector, "expanded"), blindingParam);
        byte[] blindedPublic = bytes(vector, "blinded-public");
        byte[] message = "descriptor-signing-key-cert".getBytes(StandardCharsets.US_ASCII);

        byte[] signature = Ed25519.signWithExpandedSecretKey(blindedExpanded, blindedPublic, message);

        assertTrue(Ed25519.verify(blindedPublic, message, signature));
        assertFalse(Ed25519.verify(bytes(vector, "public"), message, signature));
    }

    /**
     * The nonce depends only on the secret prefix and the message: signing one message under two public keys
     * would give S1 - S2 = (c1 - c2)·a and reveal the secret scalar. A wrong public key must be refused.
     */
    @Test
    void refusesToSignUnderAPublicKeyThatIsNotTheExpandedKeys() {
        Ed25519KeyPair pair = Ed25519.generateKeyPair();
        byte[] expanded = pair.expandedSecretKey();
        byte[] otherPublic = Ed25519.generateKeyPair().publicKey();
        byte[] message = "same message".getBytes(StandardCharsets.US_ASCII);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Ed25519.signWithExpandedSecretKey(expanded, otherPublic, message));
        assertTrue(refused.getMessage().contains("does not belong"), refused.getMessage());
        assertTrue(Ed25519.verify(pair.publicKey(), message,
                Ed25519.signWithExpandedSecretKey(expanded, pair.publicKey(), message)));
    }

    @Test
    void blindingIsDeterministicAndDependsOnTheFactor() {
        Ed25519KeyPair pair = Ed25519.generateKeyPair();
        byte[] first = Randoms.bytes(32);
        byte[] second = Randoms.bytes(32);

        assertArrayEquals(Ed25519.blindPublicKey(pair.publicKey(), first),
                Ed25519.blindPublicKey(pair.publicKey(), first));
        assertFalse(Arrays.equals(Ed25519.blindPublicKey(pair.publicKey(), first),
                Ed25519.blindPublicKey(pair.publicKey(), second)));
        assertArrayEquals(Ed25519.blindPublicKey(pair.publicKey(), first),
                Ed25519.publicKeyFromExpandedSecretKey(
                        Ed25519.blindExpandedSecretKey(pair.expandedSecretKey(), first)));
    }

    @Test
    void undecodablePublicKeyIsRefused() {
        // y = p (not reduced) encodes no point: RFC 8032 §5.1.3 step 1.
        byte[] yEqualsP = Vectors.hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ed25519.blindPublicKey(yEqualsP, new byte[32]));
        assertTrue(e.getMessage().contains("point"), e.getMessage());
    }
}
