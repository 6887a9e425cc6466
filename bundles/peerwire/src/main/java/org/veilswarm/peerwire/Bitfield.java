package org.veilswarm.peerwire;

import java.util.Arrays;
import java.util.BitSet;

/**
 * BEP 3 {@code bitfield}: the high bit of the first byte is piece 0. Only valid as the first message
 * after the handshake; the decoder checks the length against the piece count and that the spare bits at
 * the end are zero (BEP 3: "Clients should drop the connection if they receive bitfields that are not of
 * the correct size, or if the bitfield has any of the spare bits set").
 */
public final class Bitfield implements PeerMessage {

    private final byte[] bytes;

    private Bitfield(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The wire form, copied. */
    public static Bitfield of(byte[] bytes) {
        return new Bitfield(bytes.clone());
    }

    /** A bitfield of {@code pieceCount} pieces with the given ones set. */
    public static Bitfield of(int pieceCount, BitSet pieces) {
        if (pieces.length() > pieceCount) {
            throw new IllegalArgumentException("piece " + (pieces.length() - 1) + " beyond " + pieceCount + " pieces");
        }
        byte[] bytes = new byte[byteLength(pieceCount)];
        for (int i = pieces.nextSetBit(0); i >= 0; i = pieces.nextSetBit(i + 1)) {
            bytes[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        }
        return new Bitfield(bytes);
    }

    static Bitfield wrap(byte[] bytes) {
        return new Bitfield(bytes);
    }

    public static int byteLength(int pieceCount) {
        return (int) ((pieceCount + 7L) >>> 3);
    }

    public int byteLength() {
        return bytes.length;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] wire() {
        return bytes;
    }

    public boolean hasPiece(int piece) {
        return piece >= 0 && piece < bytes.length * 8 && (bytes[piece >>> 3] & (0x80 >>> (piece & 7))) != 0;
    }

    public BitSet pieces() {
        BitSet set = new BitSet(bytes.length * 8);
        for (int i = 0; i < bytes.length * 8; i++) {
            if (hasPiece(i)) {
                set.set(i);
            }
        }
        return set;
    }

    /** Checks size and spare bits for a torrent of {@code pieceCount} pieces. */
    public void validate(int pieceCount) throws PeerWireException {
        if (bytes.length != byteLength(pieceCount)) {
            throw new PeerWireException("bitfield of " + bytes.length + " bytes for " + pieceCount
                    + " pieces (expected " + byteLength(pieceCount) + ")");
        }
        int spare = bytes.length * 8 - pieceCount;
        if (spare > 0 && (bytes[bytes.length - 1] & ((1 << spare) - 1)) != 0) {
            throw new PeerWireException("bitfield has spare bits set after piece " + (pieceCount - 1));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitfield b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Bitfield[" + pieces().cardinality() + " of " + bytes.length * 8 + " bits set]";
    }
}
