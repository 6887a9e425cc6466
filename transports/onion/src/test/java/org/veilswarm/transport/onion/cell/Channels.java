package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** EmbeddedChannel helpers for the codec tests: decode bytes, encode cells, release everything. */
final class Channels {
    private Channels() {
    }

    /**
     * A channel with a decoder in the given state (2 = before VERSIONS, 4/5 = negotiated) and a handler
     * that, like the link layer will, switches the decoder to protocol 4 on the first VERSIONS cell.
     */
    static EmbeddedChannel decoding(int link) {
        CellDecoder decoder = link == 2 ? new CellDecoder() : CellDecoder.forLinkProtocol(link);
        return new EmbeddedChannel(decoder, new NegotiateOnVersions(decoder));
    }

    /** Switches the decoder to link protocol 4 when the first VERSIONS cell passes. */
    static final class NegotiateOnVersions extends ChannelInboundHandlerAdapter {
        private final CellDecoder decoder;

        NegotiateOnVersions(CellDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Versions && decoder.linkProtocol() == 0) {
                decoder.setLinkProtocol(4);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Writes {@code wire} whole or one byte at a time and returns every decoded cell. */
    static List<Cell> decode(EmbeddedChannel channel, byte[] wire, boolean byteAtATime) {
        if (byteAtATime) {
            for (byte b : wire) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(wire));
        }
        List<Cell> cells = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            cells.add((Cell) message);
        }
        return cells;
    }

    /** Decodes on a fresh channel and checks that nothing is left over. */
    static List<Cell> decodeAll(int link, byte[] wire, boolean byteAtATime) {
        EmbeddedChannel channel = decoding(link);
        List<Cell> cells = decode(channel, wire, byteAtATime);
        assertFalse(channel.finish(), "nothing may be left in the channel");
        return cells;
    }

    /** Encodes cells on a fresh encoder (2 = before VERSIONS; the encoder then switches to 4 after VERSIONS). */
    static byte[] encode(int link, List<? extends Cell> cells) {
        CellEncoder encoder = link == 2 ? new CellEncoder() : CellEncoder.forLinkProtocol(link);
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Cell cell : cells) {
            channel.writeOutbound(cell);
            ByteBuf buf;
            while ((buf = channel.readOutbound()) != null) {
                out.writeBytes(ByteBufUtil.getBytes(buf));
                buf.release();
            }
            if (cell instanceof Versions && encoder.linkProtocol() == 0) {
                encoder.setLinkProtocol(4);
            }
        }
        assertFalse(channel.finish());
        return out.toByteArray();
    }

    static void releaseAll(List<?> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }
}
