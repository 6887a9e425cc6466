package org.veilswarm.crypto.internal;

import java.math.BigInteger;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A point on edwards25519 in extended homogeneous coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z,
 * x*y = T/Z (RFC 8032 §5.1.4), over Bouncy Castle's constant-time field arithmetic.
 *
 * <p>Bouncy Castle's {@code rfc8032.Ed25519} only multiplies the base point by a scalar it derives
 * from a seed itself. Tor needs more: signing with an expanded secret key and key blinding
 * (rend-spec-v3 Appendix A.2), i.e. [a]B for an arbitrary scalar a and [h]A for a public point A.
 * This class supplies exactly that and nothing else.
 *
 * <p>Scalar multiplication is a double-and-add-always ladder with a masked select, so its running
 * time and memory accesses do not depend on the scalar. It uses only the unified addition law,
 * which is complete on edwards25519 (a = -1 is a square, d is not), so doubling and the neutral
 * element need no special cases.
 */
public final class EdwardsPoint {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    // RFC 8032 §5.1: d = -121665/121666, and the base point B with y = 4/5 and positive x.
    private static final BigInteger D_VALUE = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final int[] D = fieldElement(D_VALUE);
    private static final int[] TWO_D = fieldElement(D_VALUE.shiftLeft(1).mod(P));
    private static final int[] BASE_X = fieldElement(new BigInteger(
            "15112221349535400772501151409588531511454012693041857206046113283949847762202"));
    private static final int[] BASE_Y = fieldElement(new BigInteger(
            "46316835694926478169428394003475163141307993866256225615783033603165251855960"));

    private final int[] x = X25519Field.create();
    private final int[] y = X25519Field.create();
    private final int[] z = X25519Field.create();
    private final int[] t = X25519Field.create();

    private EdwardsPoint() {
    }

    /** The neutral element (0, 1). */
    public static EdwardsPoint identity() {
        EdwardsPoint point = new EdwardsPoint();
        X25519Field.one(point.y);
        X25519Field.one(point.z);
        return point;
    }

    /** The base point B of RFC 8032 §5.1. */
    public static EdwardsPoint base() {
        EdwardsPoint point = new EdwardsPoint();
        X25519Field.copy(BASE_X, 0, point.x, 0);
        X25519Field.copy(BASE_Y, 0, point.y, 0);
        X25519Field.one(point.z);
        X25519Field.mul(point.x, point.y, point.t);
        return point;
    }

    /**
     * Decodes a 32-byte point encoding (RFC 8032 §5.1.3). Variable time: for public keys only.
     *
     * @return the point, or {@code null} if the bytes encode no point (y not below p, or no
     *     square root for x, or x = 0 with the sign bit set)
     */
    public static EdwardsPoint decodeVar(byte[] encoded) {
        Checks.requireLength(encoded, 32, "encoded point");
        byte[] yBytes = encoded.clone();
        int sign = (yBytes[31] >>> 7) & 1;
        yBytes[31] &= 0x7f;
        if (new BigInteger(1, reverse(yBytes)).compareTo(P) >= 0) {
            return null;
        }
        EdwardsPoint point = new EdwardsPoint();
        X25519Field.decode(yBytes, 0, point.y);
        // x^2 = (y^2 - 1) / (d y^2 + 1)
        int[] ySquared = X25519Field.create();
        int[] numerator = X25519Field.create();
        int[] denominator = X25519Field.create();
        X25519Field.sqr(point.y, ySquared);
        X25519Field.copy(ySquared, 0, numerator, 0);
        X25519Field.subOne(numerator);
        X25519Field.mul(ySquared, D, denominator);
        X25519Field.addOne(denominator);
        if (!X25519Field.sqrtRatioVar(numerator, denominator, point.x)) {
            return null;
        }
        X25519Field.normalize(point.x);
        if (sign == 1 && X25519Field.isZeroVar(point.x)) {
            return null;
        }
        if ((point.x[0] & 1) != sign) {
            X25519Field.negate(point.x, point.x);
            X25519Field.normalize(point.x);
        }
        X25519Field.one(point.z);
        X25519Field.mul(point.x, point.y, point.t);
        return point;
    }

    /** The 32-byte encoding (RFC 8032 §5.1.2): y little-endian, the low bit of x on top. */
    public byte[] encode() {
        int[] zInverse = X25519Field.create();
        int[] affineX = X25519Field.create();
        int[] affineY = X25519Field.create();
        X25519Field.inv(z, zInverse);
        X25519Field.mul(x, zInverse, affineX);
        X25519Field.mul(y, zInverse, affineY);
        X25519Field.normalize(affineX);
        X25519Field.normalize(affineY);
        byte[] out = new byte[32];
        X25519Field.encode(affineY, out, 0);
        out[31] |= (byte) ((affineX[0] & 1) << 7);
        return out;
    }

    /**
     * [scalar]this for a 32-byte little-endian scalar, all 256 bits used, in time independent of
     * the scalar's value.
     */
    public EdwardsPoint multiply(byte[] scalar) {
        Checks.requireLength(scalar, 32, "scalar");
        EdwardsPoint accumulator = identity();
        EdwardsPoint sum = new EdwardsPoint();
        for (int bitIndex = 255; bitIndex >= 0; bitIndex--) {
            add(accumulator, accumulator, accumulator);
            add(accumulator, this, sum);
            int bit = (scalar[bitIndex >>> 3] >>> (bitIndex & 7)) & 1;
            accumulator.assignIf(-bit, sum);
        }
        return accumulator;
    }

    /** True if both points are the same group element (projective comparison). Variable time. */
    public boolean equalsVar(EdwardsPoint other) {
        return crossEqual(x, other.z, other.x, z) && crossEqual(y, other.z, other.y, z);
    }

    private static boolean crossEqual(int[] a, int[] b, int[] c, int[] d) {
        int[] left = X25519Field.create();
        int[] right = X25519Field.create();
        X25519Field.mul(a, b, left);
        X25519Field.mul(c, d, right);
        X25519Field.normalize(left);
        X25519Field.normalize(right);
        return X25519Field.areEqualVar(left, right);
    }

    /** r = p + q with the unified law "add-2008-hwcd-3" for a = -1; r may be p or q. */
    static void add(EdwardsPoint p, EdwardsPoint q, EdwardsPoint r) {
        int[] a = X25519Field.create();
        int[] b = X25519Field.create();
        int[] c = X25519Field.create();
        int[] d = X25519Field.create();
        int[] u = X25519Field.create();
        int[] v = X25519Field.create();
        // Every multiplication input is a product or a single sum/difference of products:
        // the limb bounds X25519Field.mul accepts.
        X25519Field.sub(p.y, p.x, u);
        X25519Field.sub(q.y, q.x, v);
        X25519Field.mul(u, v, a);                 // A = (Y1 - X1)(Y2 - X2)
        X25519Field.add(p.y, p.x, u);
        X25519Field.add(q.y, q.x, v);
        X25519Field.mul(u, v, b);                 // B = (Y1 + X1)(Y2 + X2)
        X25519Field.mul(p.t, TWO_D, u);
        X25519Field.mul(u, q.t, c);               // C = T1 * 2d * T2
        X25519Field.add(q.z, q.z, u);
        X25519Field.mul(p.z, u, d);               // D = Z1 * 2 * Z2
        int[] e = X25519Field.create();
        int[] f = X25519Field.create();
        int[] g = X25519Field.create();
        int[] h = X25519Field.create();
        X25519Field.sub(b, a, e);
        X25519Field.sub(d, c, f);
        X25519Field.add(d, c, g);
        X25519Field.add(b, a, h);
        X25519Field.mul(e, f, r.x);
        X25519Field.mul(g, h, r.y);
        X25519Field.mul(e, h, r.t);
        X25519Field.mul(f, g, r.z);
    }

    /** this = source if mask is all ones, unchanged if mask is zero; no branch on the mask. */
    private void assignIf(int mask, EdwardsPoint source) {
        X25519Field.cmov(mask, source.x, 0, x, 0);
        X25519Field.cmov(mask, source.y, 0, y, 0);
        X25519Field.cmov(mask, source.z, 0, z, 0);
        X25519Field.cmov(mask, source.t, 0, t, 0);
    }

    private static int[] fieldElement(BigInteger value) {
        int[] element = X25519Field.create();
        X25519Field.decode(ScalarModL.littleEndian(value, 32), 0, element);
        return element;
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
