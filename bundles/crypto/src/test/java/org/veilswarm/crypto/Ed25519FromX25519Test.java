package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The X25519 → Ed25519 public key map of RFC 7748 §4.1 checked against two independent computations of
 * the same point: the Ed25519 public key [a]B of an expanded secret key (Edwards arithmetic) and the X25519
 * public key of the same clamped scalar (Montgomery ladder). Converting the latter must give the former.
 */
class Ed25519FromX25519Test {

    @RepeatedTest(20)
    void montgomeryAndEdwardsViewsOfOneScalarAgree() {
        Ed25519KeyPair pair = Ed25519.generateKeyPair();
        byte[] scalar = Arrays.copyOf(pair.expandedSecretKey(), 32);
        byte[] edwards = pair.publicKey();
        byte[] montgomery = X25519.publicKey(scalar);

        int signBit = (edwards[31] >> 7) & 1;
        assertArrayEquals(edwards, Ed25519.publicKeyFromX25519(montgomery, signBit));
    }

    @Test
    void baseU9IsTheEd25519BasePoint() {
        byte[] nine = new byte[32];
        nine[0] = 9;
        // RFC 8032 §5.1: B has y = 4/5, encoded 5866...66 with x positive (sign 0).
        assertArrayEquals(Vectors.hex("5866666666666666666666666666666666666666666666666666666666666666"),
                Ed25519.publicKeyFromX25519(nine, 0));
    }

    @Test
    void refusesBadInput() {
        byte[] minusOne = Vectors.hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKeyFromX25519(minusOne, 0));
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKeyFromX25519(new byte[32], 2));
        assertThrows(IllegalArgumentException.class, () -> Ed25519.publicKeyFromX25519(new byte[31], 0));
    }
}
