package org.veilswarm.crypto;

import java.util.Objects;

/**
 * Comparisons whose running time does not depend on the contents compared, for MACs, digests and
 * tokens. Lengths are treated as public: different lengths return {@code false} at once.
 */
public final class ConstantTime {
    private ConstantTime() {
    }

    public static boolean equals(byte[] a, byte[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            return false;
        }
        return equals(a, 0, b, 0, a.length);
    }

    /** Compares {@code a[aOffset, aOffset + length)} with {@code b[bOffset, bOffset + length)}. */
    public static boolean equals(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.checkFromIndexSize(aOffset, length, a.length);
        Objects.checkFromIndexSize(bOffset, length, b.length);
        int difference = 0;
        for (int i = 0; i < length; i++) {
            difference |= a[aOffset + i] ^ b[bOffset + i];
        }
        return difference == 0;
    }

    /** True if every byte is zero. */
    public static boolean isZero(byte[] a) {
        Objects.requireNonNull(a, "a");
        int accumulated = 0;
        for (byte value : a) {
            accumulated |= value;
        }
        return accumulated == 0;
    }
}
