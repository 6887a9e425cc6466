package org.veilswarm.swarm.picker;

/**
 * How a piece splits into requests: 16 KiB blocks (BEP 52 leaves; the de-facto BEP 3 request size),
 * the last one shorter when the piece is.
 */
public final class Blocks {

    public static final int BLOCK_SIZE = 16 * 1024;

    private Blocks() {
    }

    public static int blockCount(int pieceSize) {
        if (pieceSize <= 0) {
            throw new IllegalArgumentException("piece size " + pieceSize);
        }
        return (pieceSize + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** The {@code index}-th block of a piece of {@code pieceSize} bytes, at its real (unpadded) length. */
    public static BlockRequest block(int piece, int pieceSize, int index) {
        int count = blockCount(pieceSize);
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("block " + index + " of " + count);
        }
        int offset = index * BLOCK_SIZE;
        return new BlockRequest(piece, offset, Math.min(BLOCK_SIZE, pieceSize - offset));
    }
}
