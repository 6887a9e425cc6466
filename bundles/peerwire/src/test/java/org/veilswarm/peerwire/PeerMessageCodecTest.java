package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.peerwire.Wire.ascii;
import static org.veilswarm.peerwire.Wire.frame;
import static org.veilswarm.peerwire.Wire.hashHeader;
import static org.veilswarm.peerwire.Wire.hex;
import static org.veilswarm.peerwire.Wire.u32;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(LeakRecorder.class)
class PeerMessageCodecTest {

    static List<Wire.Sample> corpus() {
        return Wire.corpus();
    }

    /** Decoding a hand-written frame gives the expected type, and encoding that gives the same bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyMessageRoundTrips(Wire.Sample sample) {
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf in = Unpooled.wrappedBuffer(sample.bytes());
        ch.writeInbound(in);
        List<Object> messages = Wire.drainInbound(ch);
        try {
            assertEquals(1, messages.size(), "one message");
            assertInstanceOf(sample.type(), messages.get(0));
            assertArrayEquals(sample.bytes(), Wire.encode(ch, messages.get(0)), "re-encoded bytes");
            assertEquals(0, in.refCnt(), "input released once decoded and re-encoded");
        } finally {
            assertFalse(ch.finish());
        }
    }

    /** The whole corpus in one stream, fed one byte at a time, gives the same messages in order. */
    @Test
    void byteAtATimeDecodingGivesTheSameMessages() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Wire.corpus().forEach(s -> stream.writeBytes(s.bytes()));
        byte[] all = stream.toByteArray();

        EmbeddedChannel ch = Wire.decoderChannel();
        for (byte b : all) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<Object> messages = Wire.drainInbound(ch);
        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        for (Object m : messages) {
            reencoded.writeBytes(Wire.encode(ch, m));
        }
        assertEquals(Wire.corpus().size(), messages.size());
        for (int i = 0; i < messages.size(); i++) {
            assertInstanceOf(Wire.corpus().get(i).type(), messages.get(i), Wire.corpus().get(i).name());
        }
        assertArrayEquals(all, reencoded.toByteArray());
        assertFalse(ch.finish());
    }

    @Test
    void decodedFieldsAreRead() {
        EmbeddedChannel ch = Wire.decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame(6, u32(1) + u32(0x4000) + u32(0x3000))));
        assertEquals(BlockRequest.request(1, 0x4000, 0x3000), ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(frame(5, "ffc0")));
        Bitfield bitfield = ch.readInbound();
        assertTrue(bitfield.hasPiece(9));
        assertEquals(10, bitfield.pieces().cardinality());
        ch.writeInbound(Unpooled.wrappedBuffer(frame(22, hashHeader(1, 8, 8, 3) + "cc".repeat(32 * 10))));
        Hashes hashes = ch.readInbound();
        assertEquals(new HashRange(hashes.range().piecesRoot(), 1, 8, 8, 3), hashes.range());
        assertEquals(8 * 32, hashes.baseHashes().length);
        assertEquals(2 * 32, hashes.uncleHashes().length);
        assertFalse(ch.finish());
    }

    @Test
    void extensionHandshakeFieldsAreRead() {
        EmbeddedChannel ch = Wire.decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.corpus().stream()
                .filter(s -> s.name().equals("extension handshake")).findFirst().orElseThrow().bytes()));
        ExtendedHandshake h = ch.readInbound();
        assertEquals(Map.of("ut_metadata", 3), h.extensions(), "ut_pex with id 0 is disabled");
        assertEquals(OptionalInt.of(3), h.extensionId(ExtendedHandshake.UT_METADATA));
        assertEquals(OptionalInt.of(250), h.requestQueue());
        assertEquals(OptionalLong.of(1234), h.metadataSize());
        assertEquals("Veilswarm 0.1", h.client().orElseThrow());
        assertFalse(ch.finish());
    }

    @Test
    void builtExtensionHandshakeDecodesToTheSameValues() {
        ExtendedHandshake built = ExtendedHandshake.builder().extension(ExtendedHandshake.UT_METADATA, 3)
                .client("Veilswarm 0.1").requestQueue(250).metadataSize(1234).build();
        EmbeddedChannel ch = Wire.decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.encode(ch, built)));
        assertEquals(built, ch.readInbound());
        assertFalse(ch.finish());
    }

    /** The block is a slice of the buffer the bytes arrived in: a later change to it shows through. */
    @Test
    void pieceBlockIsNotCopiedOnTheWayIn() {
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf in = Unpooled.wrappedBuffer(frame(7, u32(2) + u32(0x4000) + ascii("block")));
        ch.writeInbound(in);
        Piece piece = ch.readInbound();
        try {
            assertEquals(2, piece.piece());
            assertEquals(0x4000, piece.offset());
            assertEquals(1, in.refCnt(), "only the piece's slice holds the input");
            in.setByte(13, 'B');
            assertEquals('B', piece.content().getByte(piece.content().readerIndex()));
        } finally {
            piece.release();
        }
        assertEquals(0, in.refCnt());
        assertFalse(ch.finish());
    }

    /** The encoder writes a header and then the block buffer itself. */
    @Test
    void pieceBlockIsNotCopiedOnTheWayOut() {
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf block = Unpooled.wrappedBuffer(ascii("block").getBytes());
        ch.writeOutbound(new Piece(1, 0, block));
        ByteBuf header = ch.readOutbound();
        ByteBuf data = ch.readOutbound();
        try {
            assertEquals(13, header.readableBytes());
            assertEquals(1, block.refCnt(), "only the written slice holds the block");
            block.setByte(0, 'X');
            assertEquals('X', data.getByte(data.readerIndex()));
        } finally {
            header.release();
            data.release();
        }
        assertEquals(0, block.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void metadataDataKeepsTheRawBytesAfterTheDictionary() {
        EmbeddedChannel ch = Wire.decoderChannel();
        // The raw part starts with 'e' and digits: only the dictionary's real end separates them.
        ch.writeInbound(Unpooled.wrappedBuffer(frame(20, "03"
                + ascii("d8:msg_typei1e5:piecei1e10:total_sizei16391eee12:raw"))));
        MetadataData data = ch.readInbound();
        try {
            assertEquals(1, data.piece());
            assertEquals(16391, data.totalSize());
            assertEquals("e12:raw", data.content().toString(java.nio.charset.StandardCharsets.US_ASCII));
        } finally {
            data.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void unknownUtMetadataTypeIsPassedOnRaw() {
        EmbeddedChannel ch = Wire.decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame(20, "03" + ascii("d8:msg_typei9e5:piecei0ee"))));
        ExtendedMessage m = ch.readInbound();
        try {
            assertEquals(3, m.extendedId());
        } finally {
            m.release();
        }
        assertFalse(ch.finish());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("frame over the limit", hex("01000000 14"), "exceeds the limit"),
                Arguments.of("piece over one block", hex(u32(9 + 16384 + 1) + "07"), "exceeds"),
                Arguments.of("have too long", frame(4, u32(1) + "00"), "exceeds 5"),
                Arguments.of("have too short", frame(4, "000001"), "needs 4"),
                Arguments.of("choke with payload", frame(0, "00"), "exceeds 1"),
                Arguments.of("unknown id", frame(99, ""), "unknown message id 99"),
                Arguments.of("have beyond piece count", frame(4, u32(10)), "out of range (10 pieces)"),
                Arguments.of("have index over 2^31", frame(4, "ffffffff"), "out of range"),
                Arguments.of("bitfield too short", frame(5, "ff"), "bitfield of 1 bytes for 10 pieces"),
                Arguments.of("bitfield too long", frame(5, "ffc000"), "bitfield of 3 bytes"),
                Arguments.of("bitfield spare bits set", frame(5, "ffe0"), "spare bits"),
                Arguments.of("request of 0 bytes", frame(6, u32(1) + u32(0) + u32(0)), "of 0 bytes"),
                Arguments.of("request over 16 KiB", frame(6, u32(1) + u32(0) + u32(16385)), "of 16385 bytes"),
                Arguments.of("request offset overflow", frame(6, u32(1) + "7fffffff" + u32(16384)), "offset"),
                Arguments.of("piece without block", frame(7, u32(1) + u32(0)), "has no block"),
                Arguments.of("port too short", frame(9, "1a"), "needs 2"),
                Arguments.of("extended without id", frame(20, ""), "without an extended id"),
                Arguments.of("extension handshake not bencoded", frame(20, "00" + ascii("d1:m")), "extension handshake"),
                Arguments.of("extension handshake not a dictionary", frame(20, "00" + ascii("i1e")), "expected a dictionary"),
                Arguments.of("extension handshake with bad m", frame(20, "00" + ascii("d1:mi1ee")), "m is a integer"),
                Arguments.of("extension id over 255", frame(20, "00" + ascii("d1:md1:xi256eee")), "0..255"),
                Arguments.of("ut_metadata without msg_type", frame(20, "03" + ascii("d5:piecei0ee")), "no msg_type"),
                Arguments.of("ut_metadata request with trailing bytes", frame(20, "03" + ascii("d8:msg_typei0e5:piecei0eeXX")),
                        "bytes after its dictionary"),
                Arguments.of("ut_metadata data past total_size", frame(20, "03"
                        + ascii("d8:msg_typei1e5:piecei0e10:total_sizei3eehello")), "does not fit total_size"),
                Arguments.of("ut_metadata data short of a full piece", frame(20, "03"
                        + ascii("d8:msg_typei1e5:piecei0e10:total_sizei20000eehello")), "must be 16384 bytes"),
                Arguments.of("ut_metadata data without total_size", frame(20, "03"
                        + ascii("d8:msg_typei1e5:piecei0eehello")), "no total_size"),
                Arguments.of("ut_metadata truncated dictionary", frame(20, "03" + ascii("d8:msg_typei1")), "ut_metadata"),
                Arguments.of("hash request truncated", frame(21, Wire.ROOT + u32(0) + u32(0) + u32(2)), "needs 48"),
                Arguments.of("hash request too long", frame(21, hashHeader(0, 0, 2, 0) + "00"), "exceeds 49"),
                Arguments.of("hash request length not a power of two", frame(21, hashHeader(0, 0, 3, 0)), "power of two"),
                Arguments.of("hash request length 1", frame(21, hashHeader(0, 0, 1, 0)), "power of two"),
                Arguments.of("hash request index not a multiple", frame(21, hashHeader(0, 2, 4, 0)), "multiple"),
                Arguments.of("hash request over the limit", frame(21, hashHeader(0, 0, 16384, 0)), "exceeds 8192"),
                Arguments.of("hash request base layer absurd", frame(21, hashHeader(99, 0, 2, 0)), "base layer 99"),
                Arguments.of("hashes cut inside a hash", frame(22, hashHeader(0, 0, 2, 0) + "bb".repeat(40)),
                        "whole number of 32-byte hashes"),
                Arguments.of("hashes without hashes", frame(22, hashHeader(0, 0, 2, 0)), "whole number"),
                Arguments.of("hashes truncated header", frame(22, Wire.ROOT + u32(0)), "whole number"),
                Arguments.of("hashes more than asked", frame(22, hashHeader(0, 0, 2, 1) + "bb".repeat(32 * 4)),
                        "carries 4 hashes"),
                Arguments.of("hash reject truncated", frame(23, Wire.ROOT), "needs 48"));
    }

    /** Every malformed frame is a PeerWireException with the reason, closes the channel, leaks nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputIsRefusedAndClosesTheConnection(String name, byte[] bytes, String reason) {
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(in));
        assertInstanceOf(PeerWireException.class, e);
        assertTrue(e.getMessage().contains(reason), () -> "'" + e.getMessage() + "' should contain '" + reason + "'");
        assertFalse(ch.isActive(), "connection closed");
        assertEquals(List.of(), Wire.drainInbound(ch));
        ch.finishAndReleaseAll();
        assertEquals(0, in.refCnt(), "input released");
    }

    @Test
    void unknownIdIsItsOwnException() {
        EmbeddedChannel ch = Wire.decoderChannel();
        UnknownMessageException e = assertThrows(UnknownMessageException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(frame(0x42, "0000"))));
        assertEquals(0x42, e.messageId());
        ch.finishAndReleaseAll();
    }

    /** An oversized length is refused from the prefix and id alone, before the payload is buffered. */
    @Test
    void oversizedBitfieldIsRefusedBeforeItsPayloadArrives() {
        EmbeddedChannel ch = Wire.decoderChannel();
        assertThrows(PeerWireException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(hex(u32(2 << 20) + "05"))));
        ch.finishAndReleaseAll();
        EmbeddedChannel piece = Wire.decoderChannel();
        assertThrows(PeerWireException.class, () -> piece.writeInbound(Unpooled.wrappedBuffer(hex(u32(16384 + 10) + "07"))));
        piece.finishAndReleaseAll();
    }

    /** After the first error the decoder ignores the rest of what arrived: nothing more comes out. */
    @Test
    void bytesAfterAnErrorAreDiscarded() {
        EmbeddedChannel ch = Wire.decoderChannel();
        ByteBuf in = Unpooled.wrappedBuffer(frame(4, u32(99)), frame(1, ""), frame(2, ""));
        assertThrows(PeerWireException.class, () -> ch.writeInbound(in));
        assertEquals(List.of(), Wire.drainInbound(ch));
        ch.finishAndReleaseAll();
        assertEquals(0, in.refCnt());
    }

    /** One peer's bad message closes that peer only. */
    @Test
    void aBadPeerDoesNotDisturbAnother() {
        EmbeddedChannel bad = Wire.decoderChannel();
        EmbeddedChannel good = Wire.decoderChannel();
        assertThrows(PeerWireException.class, () -> bad.writeInbound(Unpooled.wrappedBuffer(frame(5, "ffff"))));
        good.writeInbound(Unpooled.wrappedBuffer(frame(5, "ffc0")));
        assertInstanceOf(Bitfield.class, good.readInbound());
        assertTrue(good.isActive());
        assertFalse(bad.isActive());
        bad.finishAndReleaseAll();
        assertFalse(good.finish());
    }

    /** Before the metadata is known (BEP 9) the piece count is not, and bitfields are passed on unchecked. */
    @Test
    void pieceCountCanBeSetOnceMetadataArrives() {
        PeerMessageDecoder decoder = new PeerMessageDecoder(PeerWireLimits.DEFAULT, -1, 0);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(5, "ffff")));
        Bitfield early = ch.readInbound();
        assertThrows(PeerWireException.class, () -> early.validate(10));
        decoder.pieceCount(10);
        assertThrows(PeerWireException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(frame(4, u32(10)))));
        ch.finishAndReleaseAll();
    }

    /** With ut_metadata not announced (id 0), id-3 messages are raw extended messages. */
    @Test
    void extendedIdsWeDidNotAnnounceArePassedOnRaw() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerMessageDecoder(PeerWireLimits.DEFAULT, 10, 0));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(20, "03" + ascii("d8:msg_typei0e5:piecei0ee"))));
        ExtendedMessage m = ch.readInbound();
        m.release();
        assertFalse(ch.finish());
    }

    @Test
    void bitfieldBuiltFromPiecesHasNoSpareBits() {
        java.util.BitSet set = new java.util.BitSet();
        set.set(0);
        set.set(9);
        Bitfield b = Bitfield.of(10, set);
        assertArrayEquals(hex("8040"), b.bytes());
        b.validate(10);
        assertThrows(IllegalArgumentException.class, () -> Bitfield.of(9, set));
    }
}
