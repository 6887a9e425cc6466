package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * Reads the fields of one cell or relay message body, turning "not enough bytes" into a
 * {@link CellFormatException} that names the field and carries the right scope.
 */
final class BodyReader {
    /** Makes the exception for a defect found in this body. */
    @FunctionalInterface
    interface Errors {
        CellFormatException create(Defect defect, String message);
    }

    private final ByteBuf body;
    private final Errors errors;

    BodyReader(ByteBuf body, Errors errors) {
        this.body = body;
        this.errors = errors;
    }

    static BodyReader forCell(ByteBuf body, CellFormatException.Scope scope, int command, int circuitId) {
        return new BodyReader(body, (defect, message) ->
                new CellFormatException(scope, defect, command, circuitId, message));
    }

    int remaining() {
        return body.readableBytes();
    }

    int u8(String field) {
        need(1, field);
        return body.readUnsignedByte();
    }

    int u16(String field) {
        need(2, field);
        return body.readUnsignedShort();
    }

    long u32(String field) {
        need(4, field);
        return body.readUnsignedInt();
    }

    byte[] bytes(int length, String field) {
        need(length, field);
        byte[] value = new byte[length];
        body.readBytes(value);
        return value;
    }

    /** The next {@code length} bytes as a retained slice (no copy). */
    ByteBuf retainedSlice(int length, String field) {
        need(length, field);
        return body.readRetainedSlice(length);
    }

    byte[] rest() {
        return bytes(body.readableBytes(), "rest");
    }

    /** How many bytes come before the next NUL, or -1 if there is none. */
    int bytesBeforeNul() {
        return body.bytesBefore((byte) 0);
    }

    void skip(int length, String field) {
        need(length, field);
        body.skipBytes(length);
    }

    void skipRest() {
        body.skipBytes(body.readableBytes());
    }

    CellFormatException error(Defect defect, String message) {
        return errors.create(defect, message);
    }

    private void need(int length, String field) {
        if (length < 0 || body.readableBytes() < length) {
            throw errors.create(Defect.TRUNCATED, field + " needs " + length + " bytes, "
                    + body.readableBytes() + " left");
        }
    }
}
