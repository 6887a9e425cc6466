package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.veilswarm.transport.onion.testing.Vectors.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.testing.LeakCheck;
import org.veilswarm.transport.onion.testing.Vectors;
import org.veilswarm.transport.onion.testing.Vectors.Vector;

/** The relay message corpora: {@code vectors/relay-messages.txt} and {@code relay-messages-bad.txt}. */
@ExtendWith(LeakCheck.PerClass.class) // one GC per vector case dominated the run (100+ cases, 72-108 s under load)
class RelayMessageVectorsTest {

    static Stream<Vector> good() {
        return Vectors.load("relay-messages.txt").stream();
    }

    static Stream<Vector> bad() {
        return Vectors.load("relay-messages-bad.txt").stream();
    }

    private static RelayMessage decodeBody(Vector vector, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            RelayMessage message = RelayPayloadCodec.decodeMessage(0x80000001, vector.integer("cmd"),
                    vector.integer("stream"), buf);
            assertEquals(0, buf.readableBytes(), "decoding consumes the whole body");
            return message;
        } finally {
            buf.release();
        }
    }

    private static byte[] encodeBody(RelayMessage message) {
        ByteBuf out = Unpooled.buffer();
        try {
            RelayPayloadCodec.encodeMessage(message, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void decodesAndReEncodesToTheSameBody(Vector vector) {
        RelayMessage message = decodeBody(vector, hex(vector.get("body")));
        try {
            assertEquals(vector.get("type"), message.getClass().getSimpleName());
            assertEquals(vector.integer("cmd"), message.commandCode());
            byte[] expected = hex(vector.getOr("canonical", vector.get("body")));
            assertArrayEquals(expected, encodeBody(message));
            RelayMessage again = decodeBody(vector, expected);
            try {
                assertEquals(message, again, "the canonical body decodes to the same message");
            } finally {
                ReferenceCountUtil.release(again);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    /** The same message through a whole plaintext relay payload (tor-spec §6.1 header and padding). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void roundTripsThroughARelayPayload(Vector vector) {
        RelayMessage message = decodeBody(vector, hex(vector.get("body")));
        byte[] body = hex(vector.getOr("canonical", vector.get("body")));
        int streamId = vector.integer("stream");
        ByteBuf payload = RelayPayloadCodec.encode(streamId, message, ByteBufAllocator.DEFAULT, RelayPadding.ZEROS);
        try {
            assertEquals(CellFormat.PAYLOAD_LEN, payload.readableBytes());
            assertEquals(vector.integer("cmd"), payload.getUnsignedByte(0));
            assertEquals(0, payload.getUnsignedShort(CellFormat.RELAY_RECOGNIZED_OFFSET), "Recognized");
            assertEquals(streamId, payload.getUnsignedShort(CellFormat.RELAY_STREAM_ID_OFFSET));
            assertEquals(0, payload.getInt(CellFormat.RELAY_DIGEST_OFFSET), "Digest is left to relay crypto");
            assertEquals(body.length, payload.getUnsignedShort(CellFormat.RELAY_LENGTH_OFFSET));
            assertArrayEquals(body, ByteBufUtil.getBytes(payload, CellFormat.RELAY_HEADER_LEN, body.length));
            RelayEnvelope decoded = RelayPayloadCodec.decode(0x80000001, payload);
            try {
                assertEquals(streamId, decoded.streamId());
                assertEquals(message, decoded.message());
            } finally {
                ReferenceCountUtil.release(decoded.message());
            }
        } finally {
            payload.release();
            ReferenceCountUtil.release(message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void malformedBodiesAreCircuitFatal(Vector vector) {
        RelayMessageFormatException e = assertThrows(RelayMessageFormatException.class,
                () -> decodeBody(vector, hex(vector.get("body"))));
        assertEquals(Defect.valueOf(vector.get("defect")), e.defect(), e.getMessage());
        assertFalse(e.isLinkFatal(), "a bad relay message kills its circuit, not the link");
        assertEquals(CellFormatException.Scope.CIRCUIT, e.scope());
        assertEquals(vector.integer("cmd"), e.relayCommand());
        assertEquals(vector.integer("stream"), e.streamId());
        assertEquals(0x80000001, e.circuitId());
    }

    /** The same malformed bodies inside whole payloads give the same verdict. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void malformedPayloadsAreCircuitFatal(Vector vector) {
        byte[] body = hex(vector.get("body"));
        ByteBuf payload = Unpooled.buffer(CellFormat.PAYLOAD_LEN);
        payload.writeByte(vector.integer("cmd")).writeShort(0).writeShort(vector.integer("stream")).writeInt(0)
                .writeShort(body.length).writeBytes(body).writeZero(CellFormat.RELAY_BODY_MAX_LEN - body.length);
        try {
            RelayMessageFormatException e = assertThrows(RelayMessageFormatException.class,
                    () -> RelayPayloadCodec.decode(7, payload));
            assertEquals(Defect.valueOf(vector.get("defect")), e.defect());
            assertEquals(7, e.circuitId());
        } finally {
            payload.release();
        }
    }

    static byte[] repeat(int value, int count) {
        byte[] bytes = new byte[count];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
