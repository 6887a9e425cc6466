package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.List;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;

/**
 * BEP 9 {@code ut_metadata} payloads: {@code d8:msg_typei<n>e5:piecei<n>e...e}, for data followed by the
 * piece's raw bytes.
 */
final class UtMetadataCodec {

    private UtMetadataCodec() {
    }

    static PeerMessage decode(int extendedId, ByteBuf p, BencodeDecoder bencode) {
        int dictEnd = dictionaryEnd(p, bencode);
        byte[] head = new byte[dictEnd];
        p.getBytes(p.readerIndex(), head);
        BencodeDictionary dict;
        try {
            dict = bencode.decodeDictionary(head);
        } catch (BencodeException e) {
            throw new PeerWireException("ut_metadata: " + e.getMessage(), e);
        }
        long type = PeerMessageDecoder.integer(dict, "msg_type", "ut_metadata");
        long piece = PeerMessageDecoder.integer(dict, "piece", "ut_metadata");
        if (piece < 0 || piece > Integer.MAX_VALUE) {
            throw new PeerWireException("ut_metadata piece " + piece + " out of range");
        }
        if (type == MessageIds.METADATA_REQUEST || type == MessageIds.METADATA_REJECT) {
            if (dictEnd != p.readableBytes()) {
                throw new PeerWireException("ut_metadata msg_type " + type + " has bytes after its dictionary");
            }
            p.skipBytes(dictEnd);
            return type == MessageIds.METADATA_REQUEST
                    ? new MetadataRequest(extendedId, (int) piece) : new MetadataReject(extendedId, (int) piece);
        }
        if (type == MessageIds.METADATA_DATA) {
            long totalSize = PeerMessageDecoder.integer(dict, "total_size", "ut_metadata data");
            p.skipBytes(dictEnd);
            long expected = Math.min(MetadataData.METADATA_PIECE_SIZE, totalSize - piece * MetadataData.METADATA_PIECE_SIZE);
            if (totalSize < 1 || expected < 1 || p.readableBytes() != expected) {
                throw new PeerWireException("ut_metadata data piece " + piece + " of " + p.readableBytes()
                        + " bytes does not fit total_size " + totalSize + " (must be " + expected + " bytes)");
            }
            return new MetadataData(extendedId, (int) piece, totalSize, p.readRetainedSlice(p.readableBytes()));
        }
        // BEP 9: "an unrecognized message ID MUST be ignored": pass it on raw, the engine drops it.
        return new ExtendedMessage(extendedId, p.readRetainedSlice(p.readableBytes()));
    }

    /**
     * Where the leading dictionary ends. A bencoded value is self-delimiting, so decoding the whole
     * payload either succeeds (no raw bytes follow) or fails at some offset; if the prefix up to that
     * offset decodes completely, that prefix is the dictionary and the offset is its end.
     */
    private static int dictionaryEnd(ByteBuf p, BencodeDecoder bencode) {
        if (!p.isReadable()) {
            throw new PeerWireException("empty ut_metadata message");
        }
        byte[] all = ByteBufUtil.getBytes(p, p.readerIndex(), p.readableBytes());
        try {
            bencode.decodeDictionary(all);
            return all.length;
        } catch (BencodeException whole) {
            long end = whole.offset();
            if (end > 0 && end < all.length) {
                try {
                    bencode.decodeDictionary(Arrays.copyOf(all, (int) end));
                    return (int) end;
                } catch (BencodeException prefix) {
                    throw new PeerWireException("ut_metadata: " + whole.getMessage(), whole);
                }
            }
            throw new PeerWireException("ut_metadata: " + whole.getMessage(), whole);
        }
    }

    static void encode(PeerMessage message, ByteBufAllocator alloc, List<Object> out) {
        BencodeDictionary.Builder dict = BencodeDictionary.builder();
        int extendedId;
        ByteBuf data = null;
        if (message instanceof MetadataRequest r) {
            extendedId = r.extendedId();
            dict.put("msg_type", MessageIds.METADATA_REQUEST).put("piece", r.piece());
        } else if (message instanceof MetadataReject r) {
            extendedId = r.extendedId();
            dict.put("msg_type", MessageIds.METADATA_REJECT).put("piece", r.piece());
        } else {
            MetadataData d = (MetadataData) message;
            extendedId = d.extendedId();
            data = d.content();
            dict.put("msg_type", MessageIds.METADATA_DATA).put("piece", d.piece()).put("total_size", d.totalSize());
        }
        byte[] head = BencodeEncoder.encode(dict.build());
        int dataLength = data == null ? 0 : data.readableBytes();
        ByteBuf header = alloc.buffer(6 + head.length);
        header.writeInt(2 + head.length + dataLength).writeByte(MessageIds.EXTENDED).writeByte(extendedId)
                .writeBytes(head);
        out.add(header);
        if (data != null && dataLength > 0) {
            out.add(data.retainedSlice());
        }
    }
}
