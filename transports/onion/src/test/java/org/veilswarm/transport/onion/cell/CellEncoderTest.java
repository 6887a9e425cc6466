package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.transport.onion.testing.Vectors.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;
import org.veilswarm.transport.onion.testing.LeakCheck;

@ExtendWith(LeakCheck.class)
class CellEncoderTest {

    @Test
    void onlyVersionsPaddingAndAuthorizeBeforeNegotiation() {
        EmbeddedChannel channel = new EmbeddedChannel(new CellEncoder());
        EncoderException e = assertThrows(EncoderException.class,
                () -> channel.writeOutbound(new Netinfo(0, null, List.of())));
        assertTrue(e.getMessage().contains("before VERSIONS"), e.getMessage());
        assertFalse(channel.finish());
    }

    @Test
    void responderSequenceSwitchesWidthAfterVersions() {
        byte[] wire = Channels.encode(2, List.of(new Versions(4, 5), new Certs(List.of()), new Padding()));
        byte[] start = hex("0000 07 0004 0004 0005" + "00000000 81 0001 00" + "00000000 00");
        byte[] expected = new byte[9 + 8 + CellFormat.CELL_LEN];
        System.arraycopy(start, 0, expected, 0, start.length);
        assertArrayEquals(expected, wire);
    }

    @Test
    void fixedCellsAreNulPaddedTo514Bytes() {
        byte[] wire = Channels.encode(4, List.of(new Destroy(0xdeadbeef, DestroyReason.FINISHED)));
        assertEquals(CellFormat.CELL_LEN, wire.length);
        byte[] start = hex("deadbeef 04 09");
        assertArrayEquals(start, java.util.Arrays.copyOf(wire, start.length));
        for (int i = start.length; i < wire.length; i++) {
            assertEquals(0, wire[i]);
        }
    }

    @Test
    void relayPayloadIsReleasedOnceWritten() {
        ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(CellFormat.PAYLOAD_LEN).writeZero(CellFormat.PAYLOAD_LEN);
        payload.setByte(0, 2);
        EmbeddedChannel channel = new EmbeddedChannel(CellEncoder.forLinkProtocol(4));
        channel.writeOutbound(new RelayEarly(7, payload));
        assertEquals(0, payload.refCnt());
        ByteBuf out = channel.readOutbound();
        assertArrayEquals(hex("00000007 09 02"), ByteBufUtil.getBytes(out, 0, 6));
        out.release();
        assertFalse(channel.finish());
    }

    @Test
    void aMalformedCellCannotBeEncoded() {
        EmbeddedChannel channel = new EmbeddedChannel(CellEncoder.forLinkProtocol(4));
        MalformedCell malformed = new MalformedCell(CellCommand.CREATE2,
                new CellFormatException(Scope.CIRCUIT, Defect.LENGTH_OUT_OF_RANGE, 10, 5, "HLEN"));
        assertThrows(EncoderException.class, () -> channel.writeOutbound(malformed));
        assertFalse(channel.finish());
    }

    @Test
    void valuesRefuseFieldsThatCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> new Create2(0, 2, new byte[84]));
        assertThrows(IllegalArgumentException.class, () -> new Create2(1, 2, new byte[506]));
        assertThrows(IllegalArgumentException.class, () -> new Created2(1, new byte[508]));
        assertThrows(IllegalArgumentException.class, () -> new Versions(70000));
        assertThrows(IllegalArgumentException.class, () -> new Destroy(1, 256));
        assertThrows(IllegalArgumentException.class, () -> new Certs(List.of(new Certs.Entry(4, new byte[1]),
                new Certs.Entry(4, new byte[2]))));
        assertThrows(IllegalArgumentException.class, () -> new CreateFast(1, new byte[19]));
        assertThrows(IllegalArgumentException.class, () -> new AuthChallenge(new byte[31], List.of()));
        ByteBuf tooShort = PooledByteBufAllocator.DEFAULT.buffer(508).writeZero(508);
        try {
            assertThrows(IllegalArgumentException.class, () -> new Relay(1, tooShort));
        } finally {
            tooShort.release();
        }
    }

    @Test
    void relayCellsWrittenWithoutPromisesLeaveInOrderPackedIntoRecordSizedBuffers() {
        EmbeddedChannel channel = new EmbeddedChannel(CellEncoder.forLinkProtocol(4));
        int cells = CellEncoder.BATCH_CELLS + 5;
        for (int i = 1; i <= cells; i++) {
            channel.write(new Relay(i, payload(i)), channel.voidPromise());
        }
        // A full batch goes on at once, the rest waits for another kind of cell (which goes after it) or a flush.
        channel.write(new Destroy(99, DestroyReason.FINISHED));
        channel.write(new Relay(cells + 1, payload(cells + 1)), channel.voidPromise());
        channel.flush();
        ByteBuf full = channel.readOutbound();
        assertEquals(CellEncoder.BATCH_CELLS * CellFormat.CELL_LEN, full.readableBytes());
        assertTrue(full.readableBytes() <= 16_384, "one TLS record's plaintext");
        ByteBuf rest = channel.readOutbound();
        ByteBuf destroy = channel.readOutbound();
        ByteBuf last = channel.readOutbound();
        assertEquals(5 * CellFormat.CELL_LEN, rest.readableBytes());
        assertEquals(CellFormat.CELL_LEN, destroy.readableBytes());
        assertEquals(99, destroy.getInt(0));
        assertEquals(CellFormat.CELL_LEN, last.readableBytes());
        int circuit = 1;
        for (ByteBuf batch : List.of(full, rest)) {
            for (int at = 0; at < batch.readableBytes(); at += CellFormat.CELL_LEN, circuit++) {
                assertEquals(circuit, batch.getInt(at), "circuit ID of cell " + circuit);
                assertEquals(CellCommand.RELAY.code(), batch.getUnsignedByte(at + 4));
                assertEquals((byte) circuit, batch.getByte(at + 5 + 100), "payload of cell " + circuit);
            }
            batch.release();
        }
        assertEquals(cells + 1, circuit);
        assertEquals(cells + 1, last.getInt(0));
        destroy.release();
        last.release();
        assertFalse(channel.finish());
    }

    @Test
    void aBatchStartsWithRoomForAsManyCellsAsTheLastOneHeld() {
        EmbeddedChannel channel = new EmbeddedChannel(CellEncoder.forLinkProtocol(4));
        // A flush after every cell: each batch is one cell's buffer, not a whole record's.
        for (int i = 1; i <= 3; i++) {
            channel.write(new Relay(i, payload(i)), channel.voidPromise());
            channel.flush();
            ByteBuf one = channel.readOutbound();
            assertEquals(CellFormat.CELL_LEN, one.readableBytes());
            assertTrue(one.capacity() < 2 * CellFormat.CELL_LEN, "capacity " + one.capacity() + " for one cell");
            one.release();
        }
        // A full batch grows from there, and the batch after it starts with room for a full record.
        for (int i = 1; i <= CellEncoder.BATCH_CELLS; i++) {
            channel.write(new Relay(i, payload(i)), channel.voidPromise());
        }
        channel.flush();
        ByteBuf full = channel.readOutbound();
        assertEquals(CellEncoder.BATCH_CELLS * CellFormat.CELL_LEN, full.readableBytes());
        assertTrue(channel.outboundMessages().isEmpty(), "the full batch went on by itself, nothing was left for the flush");
        full.release();
        channel.write(new Relay(1, payload(1)), channel.voidPromise());
        channel.flush();
        ByteBuf next = channel.readOutbound();
        assertEquals(CellFormat.CELL_LEN, next.readableBytes());
        assertTrue(next.capacity() >= CellEncoder.BATCH_CELLS * CellFormat.CELL_LEN, "capacity " + next.capacity());
        next.release();
        assertFalse(channel.finish());
    }

    @Test
    void aBatchNotFlushedIsReleasedWhenTheLinkCloses() {
        ByteBuf payload = payload(1);
        EmbeddedChannel channel = new EmbeddedChannel(CellEncoder.forLinkProtocol(4));
        channel.write(new Relay(1, payload), channel.voidPromise());
        assertEquals(0, payload.refCnt(), "copied into the batch");
        channel.close();
        assertFalse(channel.finish()); // LeakCheck fails the test if the batch buffer was not released
    }

    private static ByteBuf payload(int mark) {
        ByteBuf payload = PooledByteBufAllocator.DEFAULT.heapBuffer(CellFormat.PAYLOAD_LEN).writeZero(CellFormat.PAYLOAD_LEN);
        payload.setByte(100, mark);
        return payload;
    }
}
