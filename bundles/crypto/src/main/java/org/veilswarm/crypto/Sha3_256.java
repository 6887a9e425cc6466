package org.veilswarm.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SHA3-256 (FIPS 202) as a running digest whose current value is cheap to read: the sponge state is 25
 * longs, so a snapshot is an array copy, and whole 136-byte blocks are absorbed straight from the caller's
 * array as little-endian lanes. Written for tor's end-to-end relay digest of onion-service circuits
 * (rend-spec-v3 §3.3.1), which reads the digest after every 509-byte cell at both ends: there, Bouncy
 * Castle's {@code SHA3Digest} spent a fifth of its time outside the permutation (byte-wise lane packing,
 * copying its state per snapshot, constructing a digest per snapshot), docs/performance.md "Onion services",
 * session 6. Checked against the JDK's SHA3-256 (Sha3RunningDigestTest).
 *
 * <p>Not thread-safe.
 */
final class Sha3_256 {
    /** Rate of SHA3-256 in bytes: (1600 - 2 × 256) / 8 (FIPS 202 §6.1). */
    static final int RATE = 136;
    static final int LENGTH = 32;
    private static final int RATE_LANES = RATE / 8;
    private static final VarHandle LANE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Iota's round constants RC[ir] (FIPS 202 §3.2.5, from the degree-8 LFSR rc(t)). */
    private static final long[] ROUND_CONSTANTS = {
            0x0000000000000001L, 0x0000000000008082L, 0x800000000000808AL, 0x8000000080008000L,
            0x000000000000808BL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
            0x000000000000008AL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000AL,
            0x000000008000808BL, 0x800000000000008BL, 0x8000000000008089L, 0x8000000000008003L,
            0x8000000000008002L, 0x8000000000000080L, 0x000000000000800AL, 0x800000008000000AL,
            0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L
    };

    private final long[] state = new long[25];
    /** Bytes of a block not yet absorbed (fewer than RATE). */
    private final byte[] pending = new byte[RATE];
    private int pendingLength;
    /** currentValue()'s working copies, made on first use: reading the digest after every cell allocates only the value. */
    private long[] finalState;
    private byte[] finalBlock;

    Sha3_256() {
    }

    private Sha3_256(Sha3_256 source) {
        System.arraycopy(source.state, 0, state, 0, 25);
        System.arraycopy(source.pending, 0, pending, 0, source.pendingLength);
        pendingLength = source.pendingLength;
    }

    Sha3_256 copy() {
        return new Sha3_256(this);
    }

    /** Puts this digest in {@code source}'s state, reusing this one's arrays. */
    void copyFrom(Sha3_256 source) {
        System.arraycopy(source.state, 0, state, 0, 25);
        System.arraycopy(source.pending, 0, pending, 0, source.pendingLength);
        pendingLength = source.pendingLength;
    }

    void update(byte[] data, int offset, int length) {
        if (pendingLength > 0) {
            int take = Math.min(length, RATE - pendingLength);
            System.arraycopy(data, offset, pending, pendingLength, take);
            pendingLength += take;
            offset += take;
            length -= take;
            if (pendingLength < RATE) {
                return;
            }
            absorb(state, pending, 0);
            pendingLength = 0;
        }
        while (length >= RATE) {
            absorb(state, data, offset);
            offset += RATE;
            length -= RATE;
        }
        if (length > 0) {
            System.arraycopy(data, offset, pending, 0, length);
            pendingLength = length;
        }
    }

    /** The digest of everything absorbed so far; this state keeps running. */
    byte[] currentValue() {
        if (finalState == null) {
            finalState = new long[25];
            finalBlock = new byte[RATE];
        }
        long[] last = finalState;
        System.arraycopy(state, 0, last, 0, 25);
        byte[] block = finalBlock;
        System.arraycopy(pending, 0, block, 0, pendingLength);
        java.util.Arrays.fill(block, pendingLength, RATE, (byte) 0);
        // FIPS 202 §6.1 and §5.1: the SHA-3 domain bits 01, then pad10*1, in one block.
        block[pendingLength] ^= 0x06;
        block[RATE - 1] ^= (byte) 0x80;
        absorb(last, block, 0);
        byte[] value = new byte[LENGTH];
        for (int i = 0; i < LENGTH / 8; i++) {
            LANE.set(value, i * 8, last[i]);
        }
        return value;
    }

    private static void absorb(long[] s, byte[] block, int offset) {
        for (int i = 0; i < RATE_LANES; i++) {
            s[i] ^= (long) LANE.get(block, offset + i * 8);
        }
        permute(s);
    }

    /** Keccak-f[1600] (FIPS 202 §3.3): 24 rounds of theta, rho, pi, chi and iota on the lanes A[x + 5y]. */
    static void permute(long[] s) {
        long a00 = s[0];
        long a01 = s[1];
        long a02 = s[2];
        long a03 = s[3];
        long a04 = s[4];
        long a05 = s[5];
        long a06 = s[6];
        long a07 = s[7];
        long a08 = s[8];
        long a09 = s[9];
        long a10 = s[10];
        long a11 = s[11];
        long a12 = s[12];
        long a13 = s[13];
        long a14 = s[14];
        long a15 = s[15];
        long a16 = s[16];
        long a17 = s[17];
        long a18 = s[18];
        long a19 = s[19];
        long a20 = s[20];
        long a21 = s[21];
        long a22 = s[22];
        long a23 = s[23];
        long a24 = s[24];
        for (int round = 0; round < 24; round++) {
            long c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            long c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            long c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            long c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            long c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            long d0 = c4 ^ Long.rotateLeft(c1, 1);
            long d1 = c0 ^ Long.rotateLeft(c2, 1);
            long d2 = c1 ^ Long.rotateLeft(c3, 1);
            long d3 = c2 ^ Long.rotateLeft(c4, 1);
            long d4 = c3 ^ Long.rotateLeft(c0, 1);
            long b00 = a00 ^ d0;
            long b16 = Long.rotateLeft(a05 ^ d0, 36);
            long b07 = Long.rotateLeft(a10 ^ d0, 3);
            long b23 = Long.rotateLeft(a15 ^ d0, 41);
            long b14 = Long.rotateLeft(a20 ^ d0, 18);
            long b10 = Long.rotateLeft(a01 ^ d1, 1);
            long b01 = Long.rotateLeft(a06 ^ d1, 44);
            long b17 = Long.rotateLeft(a11 ^ d1, 10);
            long b08 = Long.rotateLeft(a16 ^ d1, 45);
            long b24 = Long.rotateLeft(a21 ^ d1, 2);
            long b20 = Long.rotateLeft(a02 ^ d2, 62);
            long b11 = Long.rotateLeft(a07 ^ d2, 6);
            long b02 = Long.rotateLeft(a12 ^ d2, 43);
            long b18 = Long.rotateLeft(a17 ^ d2, 15);
            long b09 = Long.rotateLeft(a22 ^ d2, 61);
            long b05 = Long.rotateLeft(a03 ^ d3, 28);
            long b21 = Long.rotateLeft(a08 ^ d3, 55);
            long b12 = Long.rotateLeft(a13 ^ d3, 25);
            long b03 = Long.rotateLeft(a18 ^ d3, 21);
            long b19 = Long.rotateLeft(a23 ^ d3, 56);
            long b15 = Long.rotateLeft(a04 ^ d4, 27);
            long b06 = Long.rotateLeft(a09 ^ d4, 20);
            long b22 = Long.rotateLeft(a14 ^ d4, 39);
            long b13 = Long.rotateLeft(a19 ^ d4, 8);
            long b04 = Long.rotateLeft(a24 ^ d4, 14);
            a00 = b00 ^ (~b01 & b02);
            a01 = b01 ^ (~b02 & b03);
            a02 = b02 ^ (~b03 & b04);
            a03 = b03 ^ (~b04 & b00);
            a04 = b04 ^ (~b00 & b01);
            a05 = b05 ^ (~b06 & b07);
            a06 = b06 ^ (~b07 & b08);
            a07 = b07 ^ (~b08 & b09);
            a08 = b08 ^ (~b09 & b05);
            a09 = b09 ^ (~b05 & b06);
            a10 = b10 ^ (~b11 & b12);
            a11 = b11 ^ (~b12 & b13);
            a12 = b12 ^ (~b13 & b14);
            a13 = b13 ^ (~b14 & b10);
            a14 = b14 ^ (~b10 & b11);
            a15 = b15 ^ (~b16 & b17);
            a16 = b16 ^ (~b17 & b18);
            a17 = b17 ^ (~b18 & b19);
            a18 = b18 ^ (~b19 & b15);
            a19 = b19 ^ (~b15 & b16);
            a20 = b20 ^ (~b21 & b22);
            a21 = b21 ^ (~b22 & b23);
            a22 = b22 ^ (~b23 & b24);
            a23 = b23 ^ (~b24 & b20);
            a24 = b24 ^ (~b20 & b21);
            a00 ^= ROUND_CONSTANTS[round];

        }
        s[0] = a00;
        s[1] = a01;
        s[2] = a02;
        s[3] = a03;
        s[4] = a04;
        s[5] = a05;
        s[6] = a06;
        s[7] = a07;
        s[8] = a08;
        s[9] = a09;
        s[10] = a10;
        s[11] = a11;
        s[12] = a12;
        s[13] = a13;
        s[14] = a14;
        s[15] = a15;
        s[16] = a16;
        s[17] = a17;
        s[18] = a18;
        s[19] = a19;
        s[20] = a20;
        s[21] = a21;
        s[22] = a22;
        s[23] = a23;
        s[24] = a24;
    }
}
