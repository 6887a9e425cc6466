package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** The plaintext relay cell layout of tor-spec §6.1: header, Length bounds, padding, buffers. */
@ExtendWith(LeakCheck.class)
class RelayPayloadCodecTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private static ByteBuf payloadWithLength(int length) {
        ByteBuf payload = Unpooled.buffer(CellFormat.PAYLOAD_LEN);
        payload.writeByte(RelayCommand.DATA.code()).writeShort(0).writeShort(1).writeInt(0).writeShort(length)
                .writeZero(CellFormat.RELAY_BODY_MAX_LEN);
        return payload;
    }

    @Test
    void lengthAbove498IsCircuitFatal() {
        for (int length : new int[] {499, 509, 0xFFFF}) {
            ByteBuf payload = payloadWithLength(length);
            try {
                RelayMessageFormatException e = assertThrows(RelayMessageFormatException.class,
                        () -> RelayPayloadCodec.decode(0x80000005, payload));
                assertEquals(Defect.LENGTH_OUT_OF_RANGE, e.defect());
                assertFalse(e.isLinkFatal());
                assertEquals(RelayCommand.DATA.code(), e.relayCommand());
                assertEquals(1, e.streamId());
            } finally {
                payload.release();
            }
        }
    }

    @Test
    void length498IsTheLargestDataCell() {
        ByteBuf payload = payloadWithLength(CellFormat.RELAY_BODY_MAX_LEN);
        try {
            RelayEnvelope envelope = RelayPayloadCodec.decode(1, payload);
            Data data = (Data) envelope.message();
            assertEquals(498, data.content().readableBytes());
            data.release();
        } finally {
            payload.release();
        }
    }

    @Test
    void paddingIsFourZeroBytesThenRandom() {
        Data hello = new Data(Unpooled.wrappedBuffer(new byte[] {'h', 'i'}));
        ByteBuf first = RelayPayloadCodec.encode(3, hello, ALLOC, RelayPadding.RANDOM);
        ByteBuf second = RelayPayloadCodec.encode(3, hello, ALLOC, RelayPadding.RANDOM);
        Data firstDecoded = (Data) RelayPayloadCodec.decode(1, first).message();
        Data secondDecoded = (Data) RelayPayloadCodec.decode(1, second).message();
        try {
            int paddingStart = CellFormat.RELAY_HEADER_LEN + 2;
            assertEquals(0, first.getInt(paddingStart), "four zero-valued bytes first (tor-spec §6.1)");
            byte[] randomPart = ByteBufUtil.getBytes(first, paddingStart + 4, CellFormat.PAYLOAD_LEN - paddingStart - 4);
            assertFalse(isAllZero(randomPart), "the rest is random");
            assertNotEquals(first, second, "two encodings of one message differ in their padding");
            assertEquals(firstDecoded, secondDecoded);
            assertEquals(hello, firstDecoded);
        } finally {
            firstDecoded.release();
            secondDecoded.release();
            first.release();
            second.release();
            hello.release();
        }
    }

    @Test
    void aFullCellHasNoPaddingAndACellWithLessThanFourSpareBytesOnlyZeros() {
        for (int length : new int[] {498, 496}) {
            Data data = new Data(Unpooled.buffer(length).writeZero(length));
            ByteBuf payload = RelayPayloadCodec.encode(1, data, ALLOC, (out, n) -> {
                throw new AssertionError("no random padding when fewer than 5 bytes are spare");
            });
            try {
                assertEquals(CellFormat.PAYLOAD_LEN, payload.readableBytes());
                assertEquals(length, payload.getUnsignedShort(CellFormat.RELAY_LENGTH_OFFSET));
            } finally {
                payload.release();
                data.release();
            }
        }
    }

    @Test
    void decodedDataIsASliceThatOutlivesTheCellWhileRetained() {
        Data sent = new Data(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        Relay cell = new Relay(9, RelayPayloadCodec.encode(4, sent, ALLOC, RelayPadding.ZEROS));
        sent.release();
        RelayEnvelope envelope = RelayPayloadCodec.decode(cell);
        Data received = (Data) envelope.message();
        assertEquals(2, cell.refCnt(), "the data holds a reference on the cell's payload");
        cell.release();
        assertEquals(1, received.refCnt());
        assertEquals("GET / HTTP/1.1\r\n\r\n", received.content().toString(StandardCharsets.US_ASCII));
        received.release();
        assertEquals(0, cell.refCnt(), "nothing left behind");
    }

    @Test
    void xoffAndXonRoundTripWithCTorsCommandCodesAndOtherVersionsAreCircuitFatal() {
        for (StreamFlow message : List.of(StreamFlow.XOFF, StreamFlow.XON_UNLIMITED, StreamFlow.xon(0xFFFFFFFFL))) {
            ByteBuf payload = RelayPayloadCodec.encode(7, message, ALLOC, RelayPadding.ZEROS);
            try {
                assertEquals(message.isXoff() ? 43 : 44, payload.getUnsignedByte(0), "C tor's or.h: XOFF 43, XON 44");
                RelayEnvelope decoded = RelayPayloadCodec.decode(1, payload);
                assertEquals(7, decoded.streamId());
                assertEquals(message, decoded.message());
            } finally {
                payload.release();
            }
        }
        ByteBuf badVersion = Unpooled.buffer(CellFormat.PAYLOAD_LEN);
        badVersion.writeByte(RelayCommand.XON.code()).writeShort(0).writeShort(7).writeInt(0).writeShort(5)
                .writeByte(1).writeInt(100).writeZero(CellFormat.RELAY_BODY_MAX_LEN - 5);
        RelayMessageFormatException e = assertThrows(RelayMessageFormatException.class,
                () -> RelayPayloadCodec.decode(1, badVersion));
        assertEquals(Defect.UNSUPPORTED_VERSION, e.defect());
        ByteBuf shortXon = Unpooled.buffer(CellFormat.PAYLOAD_LEN);
        shortXon.writeByte(RelayCommand.XON.code()).writeShort(0).writeShort(7).writeInt(0).writeShort(3)
                .writeZero(CellFormat.RELAY_BODY_MAX_LEN);
        assertThrows(RelayMessageFormatException.class, () -> RelayPayloadCodec.decode(1, shortXon));
    }

    @Test
    void valuesRefuseWhatDoesNotFitInARelayCell() {
        ByteBuf tooMuch = Unpooled.buffer(499).writeZero(499);
        try {
            assertThrows(IllegalArgumentException.class, () -> new Data(tooMuch));
        } finally {
            tooMuch.release();
        }
        List<LinkSpecifier> specifiers = List.of(new LinkSpecifier.Ed25519Id(new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new Extend2(specifiers, HandshakeType.NTOR, new byte[460]));
        assertThrows(IllegalArgumentException.class, () -> new Extend2(List.of(
                new LinkSpecifier.LegacyId(new byte[20]), new LinkSpecifier.LegacyId(new byte[20])), 2, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Begin("example.com", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Begin("exa mple.com", 80, 0));
        assertEquals(494, new Begin("a".repeat(494), 80, 0).address().length(), "494 + \":80\" + NUL = 498 fits");
        assertThrows(IllegalArgumentException.class, () -> new Begin("a".repeat(495), 80, 0));
        assertThrows(IllegalArgumentException.class, () -> Sendme.authenticated(new byte[19]));
        assertThrows(IllegalArgumentException.class, () -> new LinkSpecifier.Unrecognized(2, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> RelayPayloadCodec.encode(70000, Drop.INSTANCE, ALLOC,
                RelayPadding.ZEROS));
    }

    @Test
    void ipv6AddressesInBeginGetBrackets() throws Exception {
        ByteBuf out = Unpooled.buffer();
        try {
            RelayPayloadCodec.encodeMessage(new Begin("2001:db8::1", 22, Begin.FLAG_IPV6_OK), out);
            assertEquals("[2001:db8::1]:22\0", out.toString(0, 17, StandardCharsets.US_ASCII));
            assertEquals(Begin.FLAG_IPV6_OK, out.getInt(17));
        } finally {
            out.release();
        }
        assertTrue(new Connected(InetAddress.getByName("::1"), 60).address().isPresent());
    }

    /** tor-spec §6.2, rend-spec-v3: a client opening a stream to an onion service sends ":PORT" (C tor does). */
    @Test
    void beginToAnOnionServiceHasAnEmptyAddress() {
        ByteBuf out = Unpooled.buffer();
        try {
            RelayPayloadCodec.encodeMessage(new Begin("", 80, 0), out);
            assertEquals(":80\0", out.toString(StandardCharsets.US_ASCII));
            Begin decoded = (Begin) RelayPayloadCodec.decodeMessage(1, RelayCommand.BEGIN.code(), 7, out);
            assertEquals("", decoded.address());
            assertEquals(80, decoded.port());
            assertEquals(new Begin("", 80, 0), decoded);
        } finally {
            out.release();
        }
        ByteBuf noPort = Unpooled.copiedBuffer(":\0", StandardCharsets.US_ASCII);
        ByteBuf emptyBrackets = Unpooled.copiedBuffer("[]:80\0", StandardCharsets.US_ASCII);
        try {
            assertThrows(CellFormatException.class,
                    () -> RelayPayloadCodec.decodeMessage(1, RelayCommand.BEGIN.code(), 7, noPort));
            assertThrows(CellFormatException.class,
                    () -> RelayPayloadCodec.decodeMessage(1, RelayCommand.BEGIN.code(), 7, emptyBrackets));
        } finally {
            noPort.release();
            emptyBrackets.release();
        }
    }

    private static boolean isAllZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
