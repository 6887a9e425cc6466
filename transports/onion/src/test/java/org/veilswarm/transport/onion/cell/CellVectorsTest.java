package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.veilswarm.transport.onion.testing.Vectors.hex;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veilswarm.transport.onion.testing.LeakCheck;
import org.veilswarm.transport.onion.testing.Vectors;
import org.veilswarm.transport.onion.testing.Vectors.Vector;

/** The cell corpus of {@code vectors/cells.txt}: decode, re-encode, whole and byte by byte. */
@ExtendWith(LeakCheck.PerClass.class) // one GC per vector case dominated the run (100+ cases, 72-108 s under load)
class CellVectorsTest {

    static Stream<Vector> vectors() {
        return Vectors.load("cells.txt").stream();
    }

    /** Frames a vector's body as tor-spec §3 describes, independently of CellEncoder. */
    static byte[] wire(Vector vector, String bodyKey) {
        byte[] circuitId = vector.hex("circ");
        int command = vector.integer("cmd");
        byte[] body = hex(vector.get(bodyKey));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(circuitId);
        out.write(command);
        if (CellFormat.isVariableLength(command)) {
            out.write(body.length >> 8);
            out.write(body.length);
            out.writeBytes(body);
        } else {
            out.writeBytes(body);
            out.writeBytes(new byte[CellFormat.PAYLOAD_LEN - body.length]);
        }
        return out.toByteArray();
    }

    static byte[] canonicalWire(Vector vector) {
        return wire(vector, vector.has("canonical") ? "canonical" : "body");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesAndReEncodesToTheSameBytes(Vector vector) {
        int link = vector.integer("link");
        List<Cell> cells = Channels.decodeAll(link, wire(vector, "body"), false);
        assertEquals(1, cells.size(), "one cell");
        Cell cell = cells.get(0);
        assertEquals(vector.get("type"), cell.getClass().getSimpleName());
        assertEquals(vector.integer("cmd"), cell.command().code());
        assertEquals((int) Long.parseLong(vector.get("circ"), 16), cell.circuitId());
        assertArrayEquals(canonicalWire(vector), Channels.encode(link, cells), "re-encoded bytes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void byteAtATimeDecodesTheSameCell(Vector vector) {
        int link = vector.integer("link");
        List<Cell> whole = Channels.decodeAll(link, wire(vector, "body"), false);
        List<Cell> bytewise = Channels.decodeAll(link, wire(vector, "body"), true);
        try {
            assertEquals(whole, bytewise);
        } finally {
            Channels.releaseAll(whole);
            Channels.releaseAll(bytewise);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void canonicalFormIsAFixedPoint(Vector vector) {
        int link = vector.integer("link");
        List<Cell> cells = Channels.decodeAll(link, canonicalWire(vector), false);
        assertArrayEquals(canonicalWire(vector), Channels.encode(link, cells));
    }

    /**
     * One link's worth of bytes: the 2-byte-circuit-ID cells, then VERSIONS, then every negotiated cell,
     * as one stream, decoded whole and one byte at a time, with the decoder switching width on the way.
     */
    @Test
    void wholeCorpusAsOneLinkStream() {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<String> types = new ArrayList<>();
        List<Vector> initial = vectors().filter(v -> v.integer("link") == 2).toList();
        List<Vector> negotiated = vectors().filter(v -> v.integer("link") == 4).toList();
        // Padding first, VERSIONS last among the 2-byte cells: it switches the width.
        List<Vector> ordered = new ArrayList<>(initial.stream().filter(v -> v.integer("cmd") != 7).toList());
        ordered.addAll(initial.stream().filter(v -> v.integer("cmd") == 7).toList());
        ordered.addAll(negotiated);
        for (Vector vector : ordered) {
            input.writeBytes(wire(vector, "body"));
            expected.writeBytes(canonicalWire(vector));
            types.add(vector.get("type"));
        }
        for (boolean byteAtATime : new boolean[] {false, true}) {
            List<Cell> cells = Channels.decodeAll(2, input.toByteArray(), byteAtATime);
            assertEquals(types, cells.stream().map(c -> c.getClass().getSimpleName()).toList());
            assertArrayEquals(expected.toByteArray(), Channels.encode(2, cells));
        }
    }
}
