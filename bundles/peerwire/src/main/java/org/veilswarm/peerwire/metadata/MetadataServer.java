package org.veilswarm.peerwire.metadata;

import io.netty.buffer.Unpooled;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.peerwire.MetadataData;
import org.veilswarm.peerwire.MetadataReject;
import org.veilswarm.peerwire.MetadataRequest;
import org.veilswarm.peerwire.PeerMessage;

/**
 * Answers BEP 9 requests from a known {@code info} dictionary: the piece's bytes, or a reject for a
 * piece past the end. Immutable and thread-safe; the data messages wrap the dictionary's bytes (no copy).
 * Rate limits on requests are the caller's (the choker and rate limiter see metadata traffic too).
 */
public final class MetadataServer {

    private final byte[] info;

    private MetadataServer(byte[] info) {
        if (info.length == 0) {
            throw new IllegalArgumentException("empty info dictionary");
        }
        this.info = info;
    }

    public static MetadataServer of(InfoDictionary info) {
        return new MetadataServer(info.bytes());
    }

    /** The BEP 9 {@code metadata_size} to put in our extension handshake. */
    public int metadataSize() {
        return info.length;
    }

    public int pieceCount() {
        return pieceCount(info.length);
    }

    static int pieceCount(long size) {
        return (int) ((size + MetadataData.METADATA_PIECE_SIZE - 1) / MetadataData.METADATA_PIECE_SIZE);
    }

    /**
     * The reply to {@code request}, addressed with the id the peer announced for {@code ut_metadata} in its
     * extension handshake (BEP 10: messages go out under the receiver's ids, not ours).
     *
     * @return a {@link MetadataData} (the caller writes it; the channel releases it) or a {@link MetadataReject}
     */
    public PeerMessage answer(MetadataRequest request, int theirUtMetadataId) {
        long from = (long) request.piece() * MetadataData.METADATA_PIECE_SIZE;
        if (from >= info.length) {
            // BEP 9: "the peer does not have the piece of metadata that was requested" -> reject.
            return new MetadataReject(theirUtMetadataId, request.piece());
        }
        int length = (int) Math.min(MetadataData.METADATA_PIECE_SIZE, info.length - from);
        return new MetadataData(theirUtMetadataId, request.piece(), info.length,
                Unpooled.wrappedBuffer(info, (int) from, length));
    }
}
