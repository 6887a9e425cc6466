package org.veilswarm.directory.core.internal;

import java.util.Arrays;

/** Big-endian reads from a byte array that fail with a message instead of an index exception. */
public final class ByteReader {
    private final byte[] data;
    private int position;

    public ByteReader(byte[] data) {
        this.data = data;
    }

    /** Thrown when the input ends early; callers turn it into their own exception. */
    public static final class TruncatedException extends Exception {
        private static final long serialVersionUID = 1L;

        TruncatedException(String message) {
            super(message, null, false, false);
        }
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return data.length - position;
    }

    public byte[] bytes(int length) throws TruncatedException {
        require(length);
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    public int u8() throws TruncatedException {
        require(1);
        return data[position++] & 0xff;
    }

    public int u16() throws TruncatedException {
        return (u8() << 8) | u8();
    }

    public long u32() throws TruncatedException {
        return ((long) u16() << 16) | u16();
    }

    public long u64() throws TruncatedException {
        return (u32() << 32) | u32();
    }

    private void require(int length) throws TruncatedException {
        if (length < 0 || data.length - position < length) {
            throw new TruncatedException("input ends at byte " + data.length + ", needed " + length + " more from "
                    + position);
        }
    }
}
