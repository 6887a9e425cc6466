package org.veilswarm.crypto.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The constant-time mod-L arithmetic against BigInteger, on random and edge inputs. */
class ScalarModLTest {
    private static final BigInteger L = ScalarModL.order();

    @Test
    void orderIsTheRfc8032Value() {
        assertEquals(new BigInteger("7237005577332262213973186563042994240857116359379907606001950938285454250989"), L);
    }

    @Test
    void reduceMatchesBigIntegerOnRandomAndEdgeInputs() {
        SplittableRandom random = new SplittableRandom(8032);
        for (int i = 0; i < 500; i++) {
            byte[] wide = new byte[64];
            random.nextBytes(wide);
            assertEquals(fromLittleEndian(wide).mod(L), fromLittleEndian(ScalarModL.reduce(wide)));
        }
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);
        assertEquals(fromLittleEndian(allOnes).mod(L), fromLittleEndian(ScalarModL.reduce(allOnes)));
        assertArrayEquals(new byte[32], ScalarModL.reduce(ScalarModL.littleEndian(L, 32)));
        assertEquals(L.subtract(BigInteger.ONE),
                fromLittleEndian(ScalarModL.reduce(ScalarModL.littleEndian(L.subtract(BigInteger.ONE), 32))));
    }

    @Test
    void multiplyAddMatchesBigInteger() {
        SplittableRandom random = new SplittableRandom(5869);
        byte[] max = new byte[32];
        Arrays.fill(max, (byte) 0xff);
        check(max, max, max);
        for (int i = 0; i < 500; i++) {
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            byte[] c = new byte[32];
            random.nextBytes(a);
            random.nextBytes(b);
            random.nextBytes(c);
            check(a, b, c);
        }
    }

    @Test
    void refusesInputsLongerThan64Bytes() {
        assertThrows(IllegalArgumentException.class, () -> ScalarModL.reduce(new byte[65]));
        assertThrows(IllegalArgumentException.class, () -> ScalarModL.multiply(new byte[31], new byte[32]));
    }

    private static void check(byte[] a, byte[] b, byte[] c) {
        BigInteger expected = fromLittleEndian(a).multiply(fromLittleEndian(b)).add(fromLittleEndian(c)).mod(L);
        assertEquals(expected, fromLittleEndian(ScalarModL.multiplyAdd(a, b, c)));
    }

    static BigInteger fromLittleEndian(byte[] bytes) {
        byte[] bigEndian = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bigEndian[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }
}
