package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.crypto.Vectors.bytes;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7748 §5.2 and §6.1 vectors, and the all-zero shared secret check. */
class X25519Test {
    private static final List<Map<String, String>> VECTORS = Vectors.load("rfc7748-x25519.txt");

    @Test
    void section52ScalarMultiplicationVectors() throws Exception {
        for (Map<String, String> vector : VECTORS.subList(0, 2)) {
            assertArrayEquals(bytes(vector, "output"),
                    X25519.agree(bytes(vector, "scalar"), bytes(vector, "u")), vector.get("name"));
        }
    }

    @Test
    void section52IteratedVectorAfter1And1000Iterations() throws Exception {
        Map<String, String> vector = VECTORS.get(2);
        byte[] k = bytes(vector, "start");
        byte[] u = bytes(vector, "start");
        for (int iteration = 1; iteration <= 1000; iteration++) {
            byte[] result = X25519.agree(k, u);
            u = k;
            k = result;
            if (iteration == 1) {
                assertArrayEquals(bytes(vector, "after-1"), k);
            }
        }
        assertArrayEquals(bytes(vector, "after-1000"), k);
    }

    @Test
    void section61DiffieHellman() throws Exception {
        Map<String, String> vector = VECTORS.get(3);
        X25519KeyPair alice = X25519KeyPair.fromPrivateKey(bytes(vector, "alice-private"));
        X25519KeyPair bob = X25519KeyPair.fromPrivateKey(bytes(vector, "bob-private"));

        assertArrayEquals(bytes(vector, "alice-public"), alice.publicKey());
        assertArrayEquals(bytes(vector, "bob-public"), bob.publicKey());
        assertArrayEquals(bytes(vector, "shared"), alice.agree(bob.publicKey()));
        assertArrayEquals(bytes(vector, "shared"), bob.agree(alice.publicKey()));
    }

    @Test
    void generatedPairsAgree() throws Exception {
        X25519KeyPair a = X25519.generateKeyPair();
        X25519KeyPair b = X25519.generateKeyPair();
        assertArrayEquals(a.agree(b.publicKey()), b.agree(a.publicKey()));
        assertArrayEquals(a.publicKey(), X25519.publicKey(a.privateKey()));
    }

    /** Small-order points (and their non-canonical twins p, p + 1) force the all-zero secret. */
    @ParameterizedTest
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void smallOrderPeerKeyIsRefused(String peerPublicKeyHex) {
        X25519KeyPair ours = X25519.generateKeyPair();
        AllZeroSharedSecretException e = assertThrows(AllZeroSharedSecretException.class,
                () -> ours.agree(Vectors.hex(peerPublicKeyHex)));
        assertTrue(e.getMessage().contains("all zeros"), e.getMessage());
    }

    @Test
    void wrongLengthsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> X25519.agree(new byte[32], new byte[33]));
        assertTrue(e.getMessage().contains("33"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> X25519.publicKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new X25519KeyPair(new byte[32], new byte[0]));
    }

    @Test
    void keyPairHidesAndDestroysItsPrivateKey() {
        X25519KeyPair pair = X25519.generateKeyPair();
        byte[] privateKey = pair.privateKey();

        assertFalse(pair.toString().contains(Base64.getEncoder().encodeToString(privateKey)));
        assertFalse(pair.toString().contains(Vectors.hex(privateKey)));
        pair.destroy();
        assertTrue(pair.isDestroyed());
        assertThrows(IllegalStateException.class, pair::privateKey);
        assertThrows(IllegalStateException.class, () -> pair.agree(new byte[32]));
        assertEquals(32, pair.publicKey().length);
    }
}
