package org.veilswarm.transport.onion.hs.rend;

import java.util.Arrays;

/** Strict reads from a cell body: every read checks the bytes are there and names the field if not. */
final class BodyCursor {
    private final String cell;
    private final byte[] body;
    private int pos;

    BodyCursor(String cell, byte[] body) {
        this.cell = cell;
        this.body = body;
    }

    int u8(String field) throws RendCellException {
        need(1, field);
        return body[pos++] & 0xFF;
    }

    int u16(String field) throws RendCellException {
        need(2, field);
        int value = (body[pos] & 0xFF) << 8 | body[pos + 1] & 0xFF;
        pos += 2;
        return value;
    }

    long u64(String field) throws RendCellException {
        need(8, field);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | body[pos++] & 0xFF;
        }
        return value;
    }

    byte[] bytes(int length, String field) throws RendCellException {
        need(length, field);
        byte[] out = Arrays.copyOfRange(body, pos, pos + length);
        pos += length;
        return out;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return body.length - pos;
    }

    byte[] rest() {
        byte[] out = Arrays.copyOfRange(body, pos, body.length);
        pos = body.length;
        return out;
    }

    void end() throws RendCellException {
        if (pos != body.length) {
            throw new RendCellException(cell + ": " + (body.length - pos) + " bytes after the last field");
        }
    }

    RendCellException error(String message) {
        return new RendCellException(cell + ": " + message);
    }

    private void need(int length, String field) throws RendCellException {
        if (length < 0 || body.length - pos < length) {
            throw new RendCellException(cell + ": truncated in " + field + " (need " + length + " bytes at offset "
                    + pos + ", have " + (body.length - pos) + ")");
        }
    }
}
