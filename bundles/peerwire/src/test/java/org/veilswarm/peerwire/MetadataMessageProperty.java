package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import java.util.List;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.peerwire.metadata.ExpectedInfoHashes;
import org.veilswarm.peerwire.metadata.MetadataAssembler;
import org.veilswarm.peerwire.metadata.MetadataOptions;

/**
 * What must hold for any BEP 9 {@code ut_metadata} payload a peer sends (wrapped in an extended message
 * under our ut_metadata id): the decoder fails only with {@link PeerWireException}; nothing leaks; a
 * decoded data message is exactly as long as its piece of {@code total_size} must be; every decoded
 * message re-encodes (canonically) to a frame that decodes to an equal message; and a
 * {@link MetadataAssembler} given the message never throws.
 */
final class MetadataMessageProperty {

    private MetadataMessageProperty() {
    }

    static byte[] frame(byte[] payload) {
        ByteBuf frame = Unpooled.buffer(6 + payload.length);
        frame.writeInt(2 + payload.length).writeByte(MessageIds.EXTENDED).writeByte(Wire.UT_METADATA_ID).writeBytes(payload);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        return bytes;
    }

    static void check(byte[] payload, int chunking) {
        byte[] input = frame(payload);
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf whole = Unpooled.wrappedBuffer(input);
        try {
            int pos = 0;
            while (pos < input.length && ch.isOpen()) {
                int n = chunking == 0 ? input.length : Math.min(input.length - pos, 1 + (chunking + pos) % 31);
                ch.writeInbound(whole.retainedSlice(pos, n));
                pos += n;
                for (Object m : Wire.drainInbound(ch)) {
                    try {
                        checkMessage((PeerMessage) m);
                    } finally {
                        io.netty.util.ReferenceCountUtil.release(m);
                    }
                }
            }
        } catch (DecoderException e) {
            if (!(e instanceof PeerWireException)) {
                throw new AssertionError("only PeerWireException may escape the decoder", e);
            }
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new AssertionError("unexpected " + e.getClass().getSimpleName() + " from the codec", e);
        } finally {
            Wire.releaseAll(Wire.drainInbound(ch));
            ch.finishAndReleaseAll();
            if (whole.refCnt() > 0) { // else the real error is already on its way
                whole.release();
            }
        }
        assertEquals(0, whole.refCnt(), "input fully released");
    }

    private static void checkMessage(PeerMessage m) {
        if (m instanceof MetadataData d) {
            long expected = Math.min(MetadataData.METADATA_PIECE_SIZE,
                    d.totalSize() - (long) d.piece() * MetadataData.METADATA_PIECE_SIZE);
            assertEquals(expected, d.content().readableBytes(), "piece length fits total_size");
            MetadataAssembler<String> assembler = new MetadataAssembler<>(ExpectedInfoHashes.v2(HashValue.of(new byte[32])),
                    MetadataOptions.DEFAULT.withRequestTimeout(Duration.ofSeconds(1)));
            assembler.addPeer("peer", d.totalSize());
            assembler.requestsFor("peer", 0);
            assembler.received("peer", d, 0);
            assembler.rejected("peer", d.piece(), 0);
            assembler.expire(Long.MAX_VALUE);
        }
        // Canonical fixpoint: the re-encoding decodes to an equal message.
        EmbeddedChannel again = Wire.decoderChannel();
        try {
            byte[] reencoded = Wire.encode(again, io.netty.util.ReferenceCountUtil.retain(m)); // the encoder consumes one reference
            again.writeInbound(Unpooled.wrappedBuffer(reencoded));
            List<Object> decoded = Wire.drainInbound(again);
            try {
                assertEquals(1, decoded.size(), "re-encoding of " + m + " decodes to one message");
                Object back = decoded.get(0);
                if (m instanceof MetadataData d) {
                    MetadataData b = (MetadataData) back;
                    assertEquals(d.piece(), b.piece());
                    assertEquals(d.totalSize(), b.totalSize());
                    assertEquals(d.content(), b.content());
                } else if (!(m instanceof ExtendedMessage)) {
                    assertEquals(m, back);
                }
            } finally {
                Wire.releaseAll(decoded);
            }
        } finally {
            again.finishAndReleaseAll();
        }
    }
}
