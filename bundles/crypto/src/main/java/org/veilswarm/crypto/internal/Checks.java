package org.veilswarm.crypto.internal;

import java.util.Objects;

/** Argument checks with messages that name the value and both lengths. */
public final class Checks {
    private Checks() {
    }

    public static byte[] requireLength(byte[] value, int expected, String what) {
        Objects.requireNonNull(value, what);
        if (value.length != expected) {
            throw new IllegalArgumentException(
                    what + " must be " + expected + " bytes, got " + value.length);
        }
        return value;
    }

    public static void requireRange(byte[] array, int offset, int length, String what) {
        Objects.requireNonNull(array, what);
        Objects.checkFromIndexSize(offset, length, array.length);
    }
}
