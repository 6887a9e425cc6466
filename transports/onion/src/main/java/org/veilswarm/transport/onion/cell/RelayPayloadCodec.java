package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * Reads and writes plaintext relay cell payloads, the 509 bytes inside a RELAY/RELAY_EARLY cell once
 * all onion layers are off (tor-spec §6.1):
 * <pre>
 *   Relay command [1] | 'Recognized' [2] | StreamID [2] | Digest [4] | Length [2] | Data [Length] | Padding
 * </pre>
 * Encoding leaves Recognized and Digest zero: relay crypto fills in the digest and encrypts
 * ({@code org.veilswarm.transport.onion.crypto}). Decoding assumes crypto has recognized the cell; it
 * reads the header and the message body. Anything malformed is a {@link RelayMessageFormatException},
 * fatal to the circuit only.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public final class RelayPayloadCodec {
    /** "four zero-valued bytes, followed by as many random bytes as will fit" (tor-spec §6.1). */
    private static final int ZERO_PADDING_PREFIX = 4;

    private RelayPayloadCodec() {
    }

    /** A new pooled 509-byte plaintext payload for {@code message} on {@code streamId}. */
    public static ByteBuf encode(int streamId, RelayMessage message, ByteBufAllocator allocator, RelayPadding padding) {
        ByteBuf out = allocator.buffer(CellFormat.PAYLOAD_LEN, CellFormat.PAYLOAD_LEN);
        try {
            encode(streamId, message, out, padding);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Writes exactly 509 bytes to {@code out}. Does not release {@code message}.
     *
     * @throws IllegalArgumentException if the stream ID does not fit in 2 bytes
     */
    public static void encode(int streamId, RelayMessage message, ByteBuf out, RelayPadding padding) {
        Checks.unsigned(streamId, 16, "StreamID");
        Objects.requireNonNull(padding, "padding");
        int start = out.writerIndex();
        out.writeByte(message.commandCode());
        out.writeShort(0); // Recognized: "When sending cells, the unencrypted 'recognized' MUST be set to zero."
        out.writeShort(streamId);
        out.writeInt(0); // Digest: set by relay crypto.
        out.writeShort(0); // Length, set below.
        encodeMessage(message, out);
        int length = out.writerIndex() - start - CellFormat.RELAY_HEADER_LEN;
        out.setShort(start + CellFormat.RELAY_LENGTH_OFFSET, length);
        int paddingLength = CellFormat.RELAY_BODY_MAX_LEN - length;
        int zeros = Math.min(ZERO_PADDING_PREFIX, paddingLength);
        out.writeZero(zeros);
        if (paddingLength > zeros) {
            padding.fill(out, paddingLength - zeros);
        }
    }

    /** Writes the message body only (no relay header), as in tor-spec's message formats. */
    public static void encodeMessage(RelayMessage message, ByteBuf out) {
        int start = out.writerIndex();
        if (message instanceof Data data) {
            ByteBuf content = data.content();
            out.writeBytes(content, content.readerIndex(), content.readableBytes());
        } else if (message instanceof Begin begin) {
            begin.encodeBody(out);
        } else if (message instanceof End end) {
            end.encodeBody(out);
        } else if (message instanceof Connected connected) {
            connected.encodeBody(out);
        } else if (message instanceof Sendme sendme) {
            sendme.encodeBody(out);
        } else if (message instanceof Extend2 extend2) {
            extend2.encodeBody(out);
        } else if (message instanceof Extended2 extended2) {
            extended2.encodeBody(out);
        } else if (message instanceof Truncated truncated) {
            truncated.encodeBody(out);
        } else if (message instanceof StreamFlow flow) {
            flow.encodeBody(out);
        } else if (message instanceof UnparsedRelayMessage unparsed) {
            unparsed.encodeBody(out);
        } else if (!(message instanceof BeginDir || message instanceof Drop || message instanceof Truncate)) {
            throw new IllegalArgumentException("no encoding for " + message.getClass().getName());
        }
        if (out.writerIndex() - start > CellFormat.RELAY_BODY_MAX_LEN) {
            throw new IllegalStateException("every relay message is at most 498 bytes by construction");
        }
    }

    /** Decodes a recognized, decrypted relay cell. The cell keeps its reference. */
    public static RelayEnvelope decode(RelayCell cell) {
        return decode(cell.circuitId(), cell.content());
    }

    /**
     * Decodes a plaintext relay payload of 509 readable bytes (its reader index does not move). A
     * {@link Data} message holds a retained slice of {@code payload}.
     *
     * @param circuitId for error reports only
     * @throws RelayMessageFormatException if the header or body is malformed (circuit-fatal)
     */
    public static RelayEnvelope decode(int circuitId, ByteBuf payload) {
        if (payload.readableBytes() != CellFormat.PAYLOAD_LEN) {
            throw new IllegalArgumentException("a relay payload is " + CellFormat.PAYLOAD_LEN + " bytes, got "
                    + payload.readableBytes());
        }
        int start = payload.readerIndex();
        int command = payload.getUnsignedByte(start);
        int streamId = payload.getUnsignedShort(start + CellFormat.RELAY_STREAM_ID_OFFSET);
        int length = payload.getUnsignedShort(start + CellFormat.RELAY_LENGTH_OFFSET);
        if (length > CellFormat.RELAY_BODY_MAX_LEN) {
            throw new RelayMessageFormatException(Defect.LENGTH_OUT_OF_RANGE, circuitId, command, streamId,
                    "Length " + length + " > " + CellFormat.RELAY_BODY_MAX_LEN);
        }
        ByteBuf body = payload.slice(start + CellFormat.RELAY_HEADER_LEN, length);
        return new RelayEnvelope(streamId, decodeMessage(circuitId, command, streamId, body));
    }

    /**
     * Decodes a message body (no relay header) of {@code command}. {@link Data} keeps a retained slice
     * of {@code body}; the other messages copy what they keep.
     *
     * @throws RelayMessageFormatException if the body is malformed (circuit-fatal)
     */
    public static RelayMessage decodeMessage(int circuitId, int command, int streamId, ByteBuf body) {
        if (body.readableBytes() > CellFormat.RELAY_BODY_MAX_LEN) {
            throw new RelayMessageFormatException(Defect.LENGTH_OUT_OF_RANGE, circuitId, command, streamId,
                    "body of " + body.readableBytes() + " bytes > " + CellFormat.RELAY_BODY_MAX_LEN);
        }
        BodyReader in = new BodyReader(body, (defect, message) ->
                new RelayMessageFormatException(defect, circuitId, command, streamId, message));
        RelayCommand known = RelayCommand.fromCode(command);
        if (known == null) {
            return new UnparsedRelayMessage(command, in.rest());
        }
        return switch (known) {
            case BEGIN -> Begin.decode(in);
            case DATA -> new Data(in.retainedSlice(in.remaining(), "Data"));
            case END -> End.decode(in);
            case CONNECTED -> Connected.decode(in);
            case SENDME -> Sendme.decode(in, streamId);
            case TRUNCATE -> skipped(in, Truncate.INSTANCE);
            case TRUNCATED -> Truncated.decode(in);
            case DROP -> skipped(in, Drop.INSTANCE);
            case BEGIN_DIR -> skipped(in, BeginDir.INSTANCE);
            case EXTEND2 -> Extend2.decode(in);
            case EXTENDED2 -> Extended2.decode(in);
            case XOFF -> StreamFlow.decodeXoff(in);
            case XON -> StreamFlow.decodeXon(in);
            default -> new UnparsedRelayMessage(command, in.rest());
        };
    }

    private static RelayMessage skipped(BodyReader in, RelayMessage message) {
        in.skipRest();
        return message;
    }
}
