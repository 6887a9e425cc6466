package org.veilswarm.transport.onion.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * The properties every input must keep, shared by the Jazzer target ({@link CellDecoderFuzzTest}) and
 * the seeded mutation test ({@link CellDecoderMutationTest}):
 * <ul>
 * <li>only {@link CellFormatException} escapes the decoder, and only link-fatal ones are thrown;</li>
 * <li>the input split at any points decodes to the same cells and the same error as whole;</li>
 * <li>whatever decodes re-encodes to bytes that decode to the same cells;</li>
 * <li>relay payloads decode or fail with a circuit-fatal {@link RelayMessageFormatException} only;</li>
 * <li>every buffer is released (checked by the caller's leak check and by reference counts here).</li>
 * </ul>
 */
final class CellFuzzing {
    private CellFuzzing() {
    }

    /** Decoded cells and the link-fatal error, if any, that ended decoding. */
    record Outcome(List<Cell> cells, CellFormatException error) {
        void release() {
            Channels.releaseAll(cells);
        }
    }

    /** Decodes {@code input} on a link in state {@code link}, delivered in chunks ending at {@code splits}. */
    static Outcome decode(int link, byte[] input, int[] splits) {
        EmbeddedChannel channel = Channels.decoding(link);
        List<Cell> cells = new ArrayList<>();
        CellFormatException error = null;
        int from = 0;
        try {
            for (int split : splits) {
                int to = Math.max(from, Math.min(split, input.length));
                channel.writeInbound(Unpooled.wrappedBuffer(input, from, to - from));
                from = to;
            }
            channel.writeInbound(Unpooled.wrappedBuffer(input, from, input.length - from));
        } catch (CellFormatException e) {
            error = e;
        }
        Object message;
        while ((message = channel.readInbound()) != null) {
            cells.add((Cell) message);
        }
        assertFalse(channel.finishAndReleaseAll(), "nothing else comes out at the end");
        return new Outcome(cells, error);
    }

    /**
     * Checks the properties for one input.
     *
     * @return the defects met (link-fatal, circuit-fatal cells, relay payloads), for coverage checks
     */
    static Set<Defect> check(int link, byte[] input, int[] splits) {
        Set<Defect> defects = EnumSet.noneOf(Defect.class);
        Outcome whole = decode(link, input, new int[0]);
        Outcome chunked = decode(link, input, splits);
        try {
            if (whole.error() != null) {
                assertTrue(whole.error().isLinkFatal(), "the decoder only throws link-fatal defects");
                defects.add(whole.error().defect());
            }
            assertEquals(whole.error() == null ? null : whole.error().defect(),
                    chunked.error() == null ? null : chunked.error().defect(), "same error however split");
            assertEquals(comparable(whole.cells()), comparable(chunked.cells()), "same cells however split");
            for (Cell cell : whole.cells()) {
                if (cell instanceof MalformedCell malformed) {
                    assertFalse(malformed.cause().isLinkFatal());
                    defects.add(malformed.cause().defect());
                } else if (cell instanceof RelayCell relay) {
                    checkRelayPayload(relay.content());
                }
            }
            checkReEncoding(link, whole.cells());
            return defects;
        } finally {
            whole.release();
            chunked.release();
        }
    }

    /** Cells that can be compared with equals: MalformedCells become their defect. */
    private static List<Object> comparable(List<Cell> cells) {
        return cells.stream().map(c -> c instanceof MalformedCell m
                ? (Object) (m.cause().defect() + "@" + m.circuitId()) : c).toList();
    }

    private static void checkReEncoding(int link, List<Cell> cells) {
        List<Cell> encodable = new ArrayList<>();
        for (Cell cell : cells) {
            if (!(cell instanceof MalformedCell)) {
                encodable.add(cell instanceof RelayCell relay ? relay.retainedDuplicate() : cell);
            }
        }
        List<Object> expected = comparable(encodable);
        byte[] reEncoded = Channels.encode(link, encodable); // releases the duplicates
        Outcome again = decode(link, reEncoded, new int[0]);
        try {
            assertEquals(null, again.error(), "re-encoded cells decode");
            assertEquals(expected, comparable(again.cells()), "re-encoded cells decode to the same cells");
        } finally {
            again.release();
        }
    }

    /**
     * A decrypted-looking relay payload: decode, and re-encode what decodes.
     *
     * @return the defect, if the payload is malformed
     */
    static Defect checkRelayPayload(ByteBuf payload) {
        RelayEnvelope envelope;
        try {
            envelope = RelayPayloadCodec.decode(1, payload);
        } catch (RelayMessageFormatException e) {
            assertFalse(e.isLinkFatal());
            return e.defect();
        }
        ByteBuf reEncoded = Unpooled.buffer(CellFormat.PAYLOAD_LEN);
        try {
            RelayPayloadCodec.encode(envelope.streamId(), envelope.message(), reEncoded, RelayPadding.ZEROS);
            RelayEnvelope again = RelayPayloadCodec.decode(1, reEncoded);
            try {
                assertEquals(envelope, again, "a decoded relay message survives re-encoding");
            } finally {
                ReferenceCountUtil.release(again.message());
            }
            return null;
        } finally {
            reEncoded.release();
            ReferenceCountUtil.release(envelope.message());
        }
    }

    /** {@link #checkRelayPayload} on arbitrary bytes cut or padded to 509. */
    static Defect checkRelayPayload(byte[] input) {
        ByteBuf payload = Unpooled.wrappedBuffer(Arrays.copyOf(Objects.requireNonNull(input), CellFormat.PAYLOAD_LEN));
        try {
            return checkRelayPayload(payload);
        } finally {
            payload.release();
        }
    }
}
