package org.veilswarm.crypto.internal;

import java.math.BigInteger;

/**
 * Arithmetic modulo the order L of the Ed25519 base point (RFC 8032 §5.1:
 * L = 2^252 + 27742317777372353535851937790883648493), for signing with an expanded secret key
 * and for key blinding (rend-spec-v3 Appendix A.2), which Bouncy Castle does not expose.
 *
 * <p>Secret scalars pass through here, so the code has no branches and no memory accesses that
 * depend on their values: reduction is a fixed 512-step shift-and-conditionally-subtract with
 * masks. That is slow next to a Barrett reduction, but a few tens of microseconds per signature
 * do not matter on the paths that use it (descriptor signing, once per time period).
 *
 * <p>Numbers are little-endian: bytes on the outside, 32-bit limbs (read as unsigned) inside.
 */
public final class ScalarModL {
    public static final int LENGTH = 32;

    private static final long MASK32 = 0xffff_ffffL;
    private static final BigInteger ORDER =
            BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final int[] L = toLimbs(littleEndian(ORDER, 32), 8);

    private ScalarModL() {
    }

    /** The group order L, for tests. */
    public static BigInteger order() {
        return ORDER;
    }

    /** Reduces a little-endian number of at most 64 bytes (e.g. a SHA-512 output) modulo L. */
    public static byte[] reduce(byte[] value) {
        if (value.length > 64) {
            throw new IllegalArgumentException("at most 64 bytes can be reduced, got " + value.length);
        }
        return toBytes(reduceWide(toLimbs(value, 16)));
    }

    /** (a * b + c) mod L for 32-byte little-endian a, b, c (any values below 2^256). */
    public static byte[] multiplyAdd(byte[] a, byte[] b, byte[] c) {
        Checks.requireLength(a, LENGTH, "a");
        Checks.requireLength(b, LENGTH, "b");
        Checks.requireLength(c, LENGTH, "c");
        int[] x = toLimbs(a, 8);
        int[] y = toLimbs(b, 8);
        int[] z = toLimbs(c, 8);
        int[] wide = new int[16];
        for (int i = 0; i < 8; i++) {
            long carry = 0;
            long xi = x[i] & MASK32;
            for (int j = 0; j < 8; j++) {
                // At most (2^32-1)^2 + 2(2^32-1) = 2^64-1: the bits are right read as unsigned.
                long sum = xi * (y[j] & MASK32) + (wide[i + j] & MASK32) + carry;
                wide[i + j] = (int) sum;
                carry = sum >>> 32;
            }
            wide[i + 8] = (int) carry;
        }
        // a*b < 2^512 - 2^257 + 1 and c < 2^256, so the sum still fits in 16 limbs.
        long carry = 0;
        for (int i = 0; i < 16; i++) {
            long sum = (wide[i] & MASK32) + (i < 8 ? z[i] & MASK32 : 0) + carry;
            wide[i] = (int) sum;
            carry = sum >>> 32;
        }
        return toBytes(reduceWide(wide));
    }

    /** a * b mod L. */
    public static byte[] multiply(byte[] a, byte[] b) {
        return multiplyAdd(a, b, new byte[LENGTH]);
    }

    private static int[] reduceWide(int[] wide) {
        int[] r = new int[8];
        int[] t = new int[8];
        for (int bitIndex = wide.length * 32 - 1; bitIndex >= 0; bitIndex--) {
            // r = 2r + bit; r < L before, so r < 2L < 2^254 after: no limb overflows.
            int carry = (wide[bitIndex >>> 5] >>> (bitIndex & 31)) & 1;
            for (int j = 0; j < 8; j++) {
                int limb = r[j];
                r[j] = (limb << 1) | carry;
                carry = limb >>> 31;
            }
            long borrow = 0;
            for (int j = 0; j < 8; j++) {
                long difference = (r[j] & MASK32) - (L[j] & MASK32) - borrow;
                t[j] = (int) difference;
                borrow = difference >>> 63;
            }
            // No borrow means r >= L: keep t = r - L. The mask is all ones then, zero otherwise.
            int takeDifference = (int) borrow - 1;
            for (int j = 0; j < 8; j++) {
                r[j] ^= (r[j] ^ t[j]) & takeDifference;
            }
        }
        return r;
    }

    private static int[] toLimbs(byte[] littleEndian, int limbs) {
        int[] out = new int[limbs];
        for (int i = 0; i < littleEndian.length; i++) {
            out[i >>> 2] |= (littleEndian[i] & 0xff) << ((i & 3) * 8);
        }
        return out;
    }

    private static byte[] toBytes(int[] limbs) {
        byte[] out = new byte[limbs.length * 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (limbs[i >>> 2] >>> ((i & 3) * 8));
        }
        return out;
    }

    static byte[] littleEndian(BigInteger value, int length) {
        byte[] bigEndian = value.toByteArray();
        byte[] out = new byte[length];
        for (int i = 0; i < length && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }
}
