package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import io.netty.util.ReferenceCountUtil;

/** Hand-written frames (independent of the encoder) and helpers to drive the codec. */
final class Wire {

    static final int PIECE_COUNT = 10;
    static final int UT_METADATA_ID = 3;
    static final String ROOT = "aa".repeat(32);

    private Wire() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String ascii(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.US_ASCII));
    }

    static String u32(long v) {
        return String.format("%08x", v);
    }

    /** {@code <length><id><payload>} with the length computed from the payload. */
    static byte[] frame(int id, String payloadHex) {
        byte[] payload = hex(payloadHex);
        return hex(u32(payload.length + 1) + String.format("%02x", id) + HexFormat.of().formatHex(payload));
    }

    static String hashHeader(int base, int index, int length, int proof) {
        return ROOT + u32(base) + u32(index) + u32(length) + u32(proof);
    }

    record Sample(String name, byte[] bytes, Class<?> type) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** One frame of every message the codec supports (10 pieces, ut_metadata under id 3). */
    static List<Sample> corpus() {
        List<Sample> c = new ArrayList<>();
        c.add(new Sample("keep-alive", hex("00000000"), Signal.class));
        c.add(new Sample("choke", frame(0, ""), Signal.class));
        c.add(new Sample("unchoke", frame(1, ""), Signal.class));
        c.add(new Sample("interested", frame(2, ""), Signal.class));
        c.add(new Sample("not interested", frame(3, ""), Signal.class));
        c.add(new Sample("have", frame(4, u32(7)), Have.class));
        c.add(new Sample("bitfield", frame(5, "ffc0"), Bitfield.class));
        c.add(new Sample("request", frame(6, u32(1) + u32(0x4000) + u32(0x4000)), BlockRequest.class));
        c.add(new Sample("piece", frame(7, u32(2) + u32(0) + ascii("sixteen bytes!!!")), Piece.class));
        c.add(new Sample("cancel", frame(8, u32(1) + u32(0x4000) + u32(0x4000)), BlockRequest.class));
        c.add(new Sample("port", frame(9, "1ae1"), DhtPort.class));
        c.add(new Sample("suggest piece", frame(0x0d, u32(3)), SuggestPiece.class));
        c.add(new Sample("have all", frame(0x0e, ""), Signal.class));
        c.add(new Sample("have none", frame(0x0f, ""), Signal.class));
        c.add(new Sample("reject request", frame(0x10, u32(1) + u32(0) + u32(0x4000)), BlockRequest.class));
        c.add(new Sample("allowed fast", frame(0x11, u32(9)), AllowedFast.class));
        c.add(new Sample("extension handshake", frame(20, "00" + ascii(
                "d1:md11:ut_metadatai3e6:ut_pexi0ee13:metadata_sizei1234e4:reqqi250e1:v13:Veilswarm 0.1e")),
                ExtendedHandshake.class));
        c.add(new Sample("extended raw", frame(20, "07" + ascii("abc")), ExtendedMessage.class));
        c.add(new Sample("ut_metadata request", frame(20, "03" + ascii("d8:msg_typei0e5:piecei0ee")),
                MetadataRequest.class));
        c.add(new Sample("ut_metadata data", frame(20, "03" + ascii("d8:msg_typei1e5:piecei0e10:total_sizei5eehello")),
                MetadataData.class));
        c.add(new Sample("ut_metadata reject", frame(20, "03" + ascii("d8:msg_typei2e5:piecei1ee")),
                MetadataReject.class));
        c.add(new Sample("hash request", frame(21, hashHeader(0, 4, 4, 2)), HashRequest.class));
        c.add(new Sample("hashes", frame(22, hashHeader(0, 4, 4, 2) + "bb".repeat(32 * 6)), Hashes.class));
        c.add(new Sample("hash reject", frame(23, hashHeader(0, 4, 4, 2)), HashReject.class));
        return c;
    }

    static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(new PeerMessageDecoder(PeerWireLimits.DEFAULT, PIECE_COUNT, UT_METADATA_ID),
                PeerMessageEncoder.INSTANCE);
    }

    static List<Object> drainInbound(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    /** Writes {@code message} through the encoder and returns the bytes (all output released). */
    static byte[] encode(EmbeddedChannel ch, Object message) {
        ch.writeOutbound(message);
        ByteBuf all = Unpooled.buffer();
        try {
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                all.writeBytes(b);
                b.release();
            }
            byte[] bytes = new byte[all.readableBytes()];
            all.readBytes(bytes);
            return bytes;
        } finally {
            all.release();
        }
    }

    static void releaseAll(List<Object> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }
}
