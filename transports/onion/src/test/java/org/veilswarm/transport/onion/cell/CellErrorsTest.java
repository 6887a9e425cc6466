package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;
import org.veilswarm.transport.onion.testing.LeakCheck;
import org.veilswarm.transport.onion.testing.Vectors;
import org.veilswarm.transport.onion.testing.Vectors.Vector;

/**
 * The malformed cells of {@code vectors/cells-bad.txt}: link-fatal ones are thrown, circuit-fatal ones
 * arrive as a {@link MalformedCell}, whole or one byte at a time.
 */
@ExtendWith(LeakCheck.class)
class CellErrorsTest {

    static Stream<Vector> bad() {
        return Vectors.load("cells-bad.txt").stream();
    }

    static Stream<Vector> linkFatal() {
        return bad().filter(v -> Scope.valueOf(v.get("scope")) == Scope.LINK);
    }

    static byte[] wire(Vector vector) {
        byte[] wire = vector.hex("wire");
        return Boolean.parseBoolean(vector.getOr("pad", "false")) ? Arrays.copyOf(wire, CellFormat.CELL_LEN) : wire;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void reportsTheDefectWithItsScope(Vector vector) {
        for (boolean byteAtATime : new boolean[] {false, true}) {
            EmbeddedChannel channel = Channels.decoding(vector.integer("link"));
            Defect defect = Defect.valueOf(vector.get("defect"));
            if (Scope.valueOf(vector.get("scope")) == Scope.LINK) {
                CellFormatException e = assertThrows(CellFormatException.class,
                        () -> Channels.decode(channel, wire(vector), byteAtATime));
                assertTrue(e.isLinkFatal(), e.getMessage());
                assertEquals(defect, e.defect(), e.getMessage());
            } else {
                MalformedCell malformed = assertInstanceOf(MalformedCell.class,
                        Channels.decode(channel, wire(vector), byteAtATime).get(0));
                assertFalse(malformed.cause().isLinkFatal());
                assertEquals(defect, malformed.cause().defect(), malformed.toString());
                assertEquals(malformed.circuitId(), malformed.cause().circuitId());
            }
            assertFalse(channel.finish());
        }
    }

    /** After a link-fatal defect the decoder discards everything: framing is lost. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("linkFatal")
    void nothingDecodesAfterALinkFatalDefect(Vector vector) {
        EmbeddedChannel channel = Channels.decoding(vector.integer("link"));
        assertThrows(CellFormatException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(wire(vector))));
        byte[] goodPadding = new byte[CellFormat.CELL_LEN];
        assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(goodPadding)));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }
}
