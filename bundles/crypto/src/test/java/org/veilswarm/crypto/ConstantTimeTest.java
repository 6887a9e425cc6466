package org.veilswarm.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConstantTimeTest {

    @Test
    void equalContentIsEqualAnyDifferenceIsNot() {
        byte[] a = Randoms.bytes(32);
        assertTrue(ConstantTime.equals(a, a.clone()));
        for (int i = 0; i < a.length; i++) {
            byte[] b = a.clone();
            b[i] ^= (byte) 0x80;
            assertFalse(ConstantTime.equals(a, b), "difference at byte " + i);
        }
        assertFalse(ConstantTime.equals(a, java.util.Arrays.copyOf(a, 31)), "different lengths");
        assertTrue(ConstantTime.equals(new byte[0], new byte[0]));
    }

    @Test
    void comparesRanges() {
        byte[] cell = {9, 9, 1, 2, 3, 4, 9};
        byte[] digestPrefix = {1, 2, 3, 4};
        assertTrue(ConstantTime.equals(cell, 2, digestPrefix, 0, 4));
        assertFalse(ConstantTime.equals(cell, 1, digestPrefix, 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> ConstantTime.equals(cell, 5, digestPrefix, 0, 4));
    }

    @Test
    void isZero() {
        assertTrue(ConstantTime.isZero(new byte[32]));
        byte[] last = new byte[32];
        last[31] = 1;
        assertFalse(ConstantTime.isZero(last));
        assertThrows(NullPointerException.class, () -> ConstantTime.isZero(null));
    }
}
