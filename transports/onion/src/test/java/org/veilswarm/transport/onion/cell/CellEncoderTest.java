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
}
