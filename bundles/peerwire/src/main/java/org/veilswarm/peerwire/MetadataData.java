package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * BEP 9 {@code ut_metadata} data ({@code msg_type} 1): a bencoded dictionary with {@code total_size},
 * followed by the raw bytes of one piece of the info dictionary (at most 16 KiB), held as a retained
 * slice.
 */
public final class MetadataData extends DefaultByteBufHolder implements PeerMessage {

    /** BEP 9: "The metadata is handled in blocks of 16KiB (16384 Bytes)". */
    public static final int METADATA_PIECE_SIZE = 16 * 1024;

    private final int extendedId;
    private final int piece;
    private final long totalSize;

    public MetadataData(int extendedId, int piece, long totalSize, ByteBuf data) {
        super(data);
        checkHeader(extendedId, piece);
        // BEP 9: every piece but the last is exactly 16 KiB; the last holds the rest.
        long expected = Math.min(METADATA_PIECE_SIZE, totalSize - (long) piece * METADATA_PIECE_SIZE);
        if (totalSize < 1 || expected < 1) {
            throw new IllegalArgumentException("metadata piece " + piece + " is beyond total_size " + totalSize);
        }
        if (data.readableBytes() != expected) {
            throw new IllegalArgumentException("metadata piece " + piece + " of total_size " + totalSize + " must be "
                    + expected + " bytes, not " + data.readableBytes());
        }
        this.extendedId = extendedId;
        this.piece = piece;
        this.totalSize = totalSize;
    }

    static void checkHeader(int extendedId, int piece) {
        if (extendedId < 1 || extendedId > 255) {
            throw new IllegalArgumentException("extended id must be 1..255: " + extendedId);
        }
        if (piece < 0) {
            throw new IllegalArgumentException("negative metadata piece " + piece);
        }
    }

    public int extendedId() {
        return extendedId;
    }

    public int piece() {
        return piece;
    }

    public long totalSize() {
        return totalSize;
    }

    @Override
    public MetadataData replace(ByteBuf content) {
        return new MetadataData(extendedId, piece, totalSize, content);
    }

    @Override
    public MetadataData retain() {
        super.retain();
        return this;
    }

    @Override
    public MetadataData touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "MetadataData[id=" + extendedId + ", piece=" + piece + ", total_size=" + totalSize + ", "
                + content().readableBytes() + " bytes]";
    }
}
