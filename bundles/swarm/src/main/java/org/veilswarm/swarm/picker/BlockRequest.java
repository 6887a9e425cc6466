package org.veilswarm.swarm.picker;

/** A BEP 3 {@code request}: {@code length} bytes at {@code offset} inside {@code piece}. */
public record BlockRequest(int piece, int offset, int length) {

    public BlockRequest {
        if (piece < 0 || offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad block request: piece " + piece + ", offset " + offset
                    + ", length " + length);
        }
    }

    /** Index of the block inside its piece. */
    public int blockIndex() {
        return offset / Blocks.BLOCK_SIZE;
    }
}
