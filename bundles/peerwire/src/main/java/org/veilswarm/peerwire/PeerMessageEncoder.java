package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;
import org.veilswarm.bencode.BencodeEncoder;

/**
 * Encodes {@link PeerMessage}s into BEP 3 frames. Block and payload bytes are not copied: a message
 * holding a buffer becomes a small header buffer followed by the retained content. Stateless and
 * {@link Sharable}.
 */
@Sharable
public final class PeerMessageEncoder extends MessageToMessageEncoder<PeerMessage> {

    /** Object.class in PeerMessage's clothes (see the constructor); declared before INSTANCE, which uses it. */
    @SuppressWarnings("unchecked")
    private static final Class<? extends PeerMessage> ANY_MESSAGE =
            (Class<? extends PeerMessage>) (Class<?>) Object.class;

    public static final PeerMessageEncoder INSTANCE = new PeerMessageEncoder();

    public PeerMessageEncoder() {
        // Not PeerMessage.class: Netty would cache a matcher keyed by it in the constructing thread's locals, an
        // event loop of the transport bundle, which would then keep this bundle's revision after an update of
        // peerwire alone (EventLoopCachesTest). Object.class and the check below match the same messages.
        super(ANY_MESSAGE);
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof PeerMessage;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerMessage message, List<Object> out) {
        if (message instanceof MetadataRequest || message instanceof MetadataReject || message instanceof MetadataData) {
            UtMetadataCodec.encode(message, ctx.alloc(), out);
            return;
        }
        ByteBuf header = ctx.alloc().buffer(headerLength(message));
        try {
            writeHeader(message, header);
        } catch (RuntimeException e) {
            header.release();
            throw e;
        }
        out.add(header);
        if (message instanceof ByteBufHolder holder && holder.content().isReadable()) {
            out.add(holder.content().retainedSlice());
        }
    }

    private static int headerLength(PeerMessage message) {
        if (message instanceof Bitfield b) {
            return 5 + b.byteLength();
        }
        if (message instanceof Hashes h) {
            return 5 + 48 + h.hashCount() * 32;
        }
        return 64;
    }

    /** Writes the frame, or for a holder everything up to its content. */
    static void writeHeader(PeerMessage message, ByteBuf out) {
        if (message instanceof Signal s) {
            if (s == Signal.KEEP_ALIVE) {
                out.writeInt(0);
            } else {
                out.writeInt(1).writeByte(s.id());
            }
        } else if (message instanceof Have h) {
            out.writeInt(5).writeByte(MessageIds.HAVE).writeInt(h.piece());
        } else if (message instanceof SuggestPiece s) {
            out.writeInt(5).writeByte(MessageIds.SUGGEST_PIECE).writeInt(s.piece());
        } else if (message instanceof AllowedFast a) {
            out.writeInt(5).writeByte(MessageIds.ALLOWED_FAST).writeInt(a.piece());
        } else if (message instanceof DhtPort p) {
            out.writeInt(3).writeByte(MessageIds.PORT).writeShort(p.port());
        } else if (message instanceof BlockRequest r) {
            out.writeInt(13).writeByte(r.kind().id()).writeInt(r.piece()).writeInt(r.offset()).writeInt(r.length());
        } else if (message instanceof Bitfield b) {
            out.writeInt(1 + b.byteLength()).writeByte(MessageIds.BITFIELD).writeBytes(b.wire());
        } else if (message instanceof Piece p) {
            out.writeInt(9 + p.length()).writeByte(MessageIds.PIECE).writeInt(p.piece()).writeInt(p.offset());
        } else if (message instanceof ExtendedHandshake h) {
            byte[] dict = BencodeEncoder.encode(h.dictionary());
            out.writeInt(2 + dict.length).writeByte(MessageIds.EXTENDED).writeByte(MessageIds.EXTENDED_HANDSHAKE)
                    .writeBytes(dict);
        } else if (message instanceof ExtendedMessage e) {
            out.writeInt(2 + e.content().readableBytes()).writeByte(MessageIds.EXTENDED).writeByte(e.extendedId());
        } else if (message instanceof HashRequest r) {
            writeRange(out, MessageIds.HASH_REQUEST, r.range(), 0);
        } else if (message instanceof HashReject r) {
            writeRange(out, MessageIds.HASH_REJECT, r.range(), 0);
        } else if (message instanceof Hashes h) {
            writeRange(out, MessageIds.HASHES, h.range(), h.wire().length);
            out.writeBytes(h.wire());
        } else {
            throw new IllegalArgumentException("cannot encode " + message);
        }
    }

    private static void writeRange(ByteBuf out, int id, HashRange range, int extra) {
        out.writeInt(1 + 48 + extra).writeByte(id).writeBytes(range.piecesRoot().bytes()).writeInt(range.baseLayer())
                .writeInt(range.index()).writeInt(range.length()).writeInt(range.proofLayers());
    }
}
