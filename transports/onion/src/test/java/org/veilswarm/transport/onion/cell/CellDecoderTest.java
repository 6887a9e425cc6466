package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.transport.onion.testing.Vectors.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** The decoder's states: before VERSIONS, waiting for negotiation, open; drops, limits, buffers. */
@ExtendWith(LeakCheck.class)
class CellDecoderTest {
    private static final byte[] VERSIONS_2BYTE = hex("0000 07 0006 0003 0004 0005");
    private static final byte[] NETINFO = fixed("00000000 08 00000000 04 04 7f000001 00");
    private static final byte[] CERTS = hex("00000000 81 0004 01 04 0000");

    static byte[] fixed(String headerAndBody) {
        byte[] cell = new byte[CellFormat.CELL_LEN];
        byte[] given = hex(headerAndBody);
        System.arraycopy(given, 0, cell, 0, given.length);
        return cell;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void cellsBehindVersionsInTheSameReadDecodeWithFourByteCircuitIds() {
        // The responder's VERSIONS, CERTS and NETINFO often arrive in one TLS record.
        List<Cell> cells = Channels.decodeAll(2, concat(VERSIONS_2BYTE, CERTS, NETINFO), false);
        assertEquals(List.of(Versions.class, Certs.class, Netinfo.class),
                cells.stream().map(Object::getClass).toList());
    }

    @Test
    void bytesBehindVersionsWaitForTheLinkProtocol() {
        CellDecoder decoder = new CellDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(VERSIONS_2BYTE, CERTS, NETINFO)));
        assertInstanceOf(Versions.class, channel.readInbound());
        assertNull(channel.readInbound(), "the circuit ID width is not known yet");

        decoder.setLinkProtocol(5);

        assertInstanceOf(Certs.class, channel.readInbound());
        assertInstanceOf(Netinfo.class, channel.readInbound());
        assertEquals(5, decoder.linkProtocol());
        assertFalse(channel.finish());
    }

    @Test
    void linkProtocolIsSetOnceAndOnlyToSupportedVersions() {
        CellDecoder decoder = new CellDecoder();
        assertThrows(IllegalArgumentException.class, () -> decoder.setLinkProtocol(3));
        assertThrows(IllegalArgumentException.class, () -> decoder.setLinkProtocol(6));
        decoder.setLinkProtocol(4);
        assertThrows(IllegalStateException.class, () -> decoder.setLinkProtocol(5));
    }

    @Test
    void undefinedCommandsAreDroppedAndCounted() {
        CellDecoder decoder = CellDecoder.forLinkProtocol(4);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] unknownFixed = fixed("00000000 65 41206d616765"); // command 101, tor-spec §3: drop
        byte[] unknownVariable = hex("00000000 f4 0003 646e61"); // command 244
        channel.writeInbound(Unpooled.wrappedBuffer(concat(unknownFixed, unknownVariable, NETINFO)));
        assertInstanceOf(Netinfo.class, channel.readInbound());
        assertNull(channel.readInbound());
        assertEquals(2, decoder.droppedCells());
        assertFalse(channel.finish());
    }

    @Test
    void aCircuitFatalCellDoesNotStopTheCellsAfterIt() {
        byte[] badCreate2 = fixed("80000001 0a 0002 01fa"); // HLEN 506
        byte[] destroy = fixed("80000002 04 01");
        List<Cell> cells = Channels.decodeAll(4, concat(badCreate2, destroy, NETINFO), false);
        MalformedCell malformed = assertInstanceOf(MalformedCell.class, cells.get(0));
        assertEquals(0x80000001, malformed.circuitId());
        assertEquals(CellCommand.CREATE2, malformed.command());
        assertEquals(new Destroy(0x80000002, DestroyReason.PROTOCOL), cells.get(1));
        assertInstanceOf(Netinfo.class, cells.get(2));
    }

    @Test
    void variableCellsLongerThanTheLimitAreLinkFatalBeforeTheyAreBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel(decoderWithLimit(100));
        // Only the header has arrived: the length alone condemns it.
        CellFormatException e = assertThrows(CellFormatException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(hex("00000000 80 0065"))));
        assertEquals(Defect.CELL_TOO_LONG, e.defect());
        assertTrue(e.isLinkFatal());
        assertFalse(channel.finish());
    }

    private static CellDecoder decoderWithLimit(int limit) {
        CellDecoder decoder = new CellDecoder(limit);
        decoder.setLinkProtocol(4);
        return decoder;
    }

    @Test
    void relayPayloadsAreSlicesOfTheInputAndEveryReferenceIsReturned() {
        byte[] relay = fixed("80000001 03 0102030405");
        ByteBuf input = PooledByteBufAllocator.DEFAULT.directBuffer(2 * relay.length);
        input.writeBytes(relay).writeBytes(relay);
        EmbeddedChannel channel = Channels.decoding(4);
        channel.writeInbound(input.retain());
        Relay first = channel.readInbound();
        Relay second = channel.readInbound();
        assertNotNull(first.content().unwrap(), "a slice, not a copy");
        assertEquals(0x0102030405L, first.content().getLong(0) >>> 24);
        assertEquals(3, input.refCnt(), "ours plus one per relay payload");
        first.release();
        second.release();
        assertFalse(channel.finish());
        assertEquals(1, input.refCnt(), "the decoder let go of the input");
        input.release();
    }

    @Test
    void aPartialCellAtTheEndOfTheStreamIsReleased() {
        ByteBuf input = Unpooled.buffer().writeBytes(NETINFO, 0, 300);
        EmbeddedChannel channel = Channels.decoding(4);
        assertFalse(channel.writeInbound(input.retain()));
        assertFalse(channel.finish());
        assertEquals(1, input.refCnt());
        input.release();
    }

    @Test
    void vpaddingAndAuthorizeMayComeBeforeVersionsButNothingElse() {
        List<Cell> cells = Channels.decodeAll(2, concat(hex("0000 80 0002 0000"), hex("0000 84 0000"),
                VERSIONS_2BYTE), false);
        assertEquals(List.of(VPadding.class, UnsupportedCell.class, Versions.class),
                cells.stream().map(Object::getClass).toList());
    }

    @Test
    void laterVersionsCellsUseTheNegotiatedWidthAndDoNotSwitchAgain() {
        byte[] laterVersions = hex("00000000 07 0002 0005");
        List<Cell> cells = Channels.decodeAll(2, concat(VERSIONS_2BYTE, laterVersions, NETINFO), true);
        assertEquals(new Versions(3, 4, 5), cells.get(0));
        assertEquals(new Versions(5), cells.get(1));
        assertInstanceOf(Netinfo.class, cells.get(2));
    }
}
