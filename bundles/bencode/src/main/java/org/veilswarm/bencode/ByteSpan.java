package org.veilswarm.bencode;

/** Where a value was found in the decoder's input: {@code length} bytes from {@code offset}. */
public record ByteSpan(int offset, int length) {

    public ByteSpan {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative span " + offset + "+" + length);
        }
    }

    public int end() {
        return offset + length;
    }
}
