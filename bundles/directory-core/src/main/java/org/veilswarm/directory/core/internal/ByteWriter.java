package org.veilswarm.directory.core.internal;

import java.io.ByteArrayOutputStream;

/** Big-endian writes into a growing array. */
public final class ByteWriter {
    private final ByteArrayOutputStream out;

    public ByteWriter(int expectedSize) {
        out = new ByteArrayOutputStream(expectedSize);
    }

    public ByteWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public ByteWriter u8(int v) {
        out.write(v);
        return this;
    }

    public ByteWriter u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    public ByteWriter u32(long v) {
        return u16((int) (v >>> 16) & 0xffff).u16((int) v & 0xffff);
    }

    public ByteWriter u64(long v) {
        return u32(v >>> 32).u32(v & 0xffffffffL);
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
