package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * BEP 3 {@code piece}: one block of data. The decoder hands out a retained slice of the received
 * buffer, so the block is never copied on the way in; the receiver releases it.
 */
public final class Piece extends DefaultByteBufHolder implements PeerMessage {

    private final int piece;
    private final int offset;

    public Piece(int piece, int offset, ByteBuf block) {
        super(block);
        if (piece < 0 || offset < 0) {
            throw new IllegalArgumentException("negative piece or offset");
        }
        this.piece = piece;
        this.offset = offset;
    }

    public int piece() {
        return piece;
    }

    public int offset() {
        return offset;
    }

    /** The block length, without touching the data. */
    public int length() {
        return content().readableBytes();
    }

    @Override
    public Piece replace(ByteBuf content) {
        return new Piece(piece, offset, content);
    }

    @Override
    public Piece retain() {
        super.retain();
        return this;
    }

    @Override
    public Piece touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "Piece[piece=" + piece + ", offset=" + offset + ", length=" + length() + "]";
    }
}
