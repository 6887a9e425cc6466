package org.veilswarm.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Group laws and encodings of the edwards25519 arithmetic used for tor's key forms. */
class EdwardsPointTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void baseAndIdentityHaveTheirWellKnownEncodings() {
        // RFC 8032 §5.1: B has y = 4/5 and even x, so its encoding is 0x58 followed by 0x66s.
        assertArrayEquals(HEX.parseHex("5866666666666666666666666666666666666666666666666666666666666666"),
                EdwardsPoint.base().encode());
        assertArrayEquals(HEX.parseHex("0100000000000000000000000000000000000000000000000000000000000000"),
                EdwardsPoint.identity().encode());
    }

    @Test
    void smallMultiplesAgreeWithRepeatedAddition() {
        EdwardsPoint sum = EdwardsPoint.identity();
        for (int k = 0; k < 20; k++) {
            assertTrue(EdwardsPoint.base().multiply(scalar(BigInteger.valueOf(k))).equalsVar(sum), "k = " + k);
            EdwardsPoint.add(sum, EdwardsPoint.base(), sum);
        }
    }

    @Test
    void orderTimesBaseIsTheIdentityAndScalarsWorkModuloTheOrder() {
        BigInteger order = ScalarModL.order();
        assertTrue(EdwardsPoint.base().multiply(scalar(order)).equalsVar(EdwardsPoint.identity()));
        assertTrue(EdwardsPoint.base().multiply(scalar(order.add(BigInteger.valueOf(7))))
                .equalsVar(EdwardsPoint.base().multiply(scalar(BigInteger.valueOf(7)))));
    }

    @Test
    void multiplicationDistributesOverScalarAddition() {
        SplittableRandom random = new SplittableRandom(7748);
        for (int i = 0; i < 10; i++) {
            BigInteger a = new BigInteger(250, new java.util.Random(random.nextLong()));
            BigInteger b = new BigInteger(250, new java.util.Random(random.nextLong()));
            EdwardsPoint left = EdwardsPoint.base().multiply(scalar(a));
            EdwardsPoint.add(left, EdwardsPoint.base().multiply(scalar(b)), left);
            assertTrue(left.equalsVar(EdwardsPoint.base().multiply(scalar(a.add(b)))));
        }
    }

    @Test
    void decodingInvertsEncoding() {
        SplittableRandom random = new SplittableRandom(25519);
        for (int i = 0; i < 20; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            EdwardsPoint point = EdwardsPoint.base().multiply(k);
            EdwardsPoint decoded = EdwardsPoint.decodeVar(point.encode());
            assertNotNull(decoded);
            assertTrue(decoded.equalsVar(point));
            assertArrayEquals(point.encode(), decoded.encode());
        }
    }

    @Test
    void decodingRejectsNonCanonicalAndOffCurveEncodings() {
        // y = p: not reduced.
        assertNull(EdwardsPoint.decodeVar(HEX.parseHex(
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
        // y = 1 gives x = 0; with the sign bit set it is a non-canonical encoding (RFC 8032 §5.1.3 step 4).
        assertNull(EdwardsPoint.decodeVar(HEX.parseHex(
                "0100000000000000000000000000000000000000000000000000000000000080")));
        // About half of all y have no x: scan until one is found, proving rejection happens.
        boolean sawRejection = false;
        for (int y = 2; y < 50 && !sawRejection; y++) {
            byte[] encoding = new byte[32];
            encoding[0] = (byte) y;
            sawRejection = EdwardsPoint.decodeVar(encoding) == null;
        }
        assertTrue(sawRejection);
        assertFalse(EdwardsPoint.base().equalsVar(EdwardsPoint.identity()));
    }

    private static byte[] scalar(BigInteger value) {
        return ScalarModL.littleEndian(value, 32);
    }
}
