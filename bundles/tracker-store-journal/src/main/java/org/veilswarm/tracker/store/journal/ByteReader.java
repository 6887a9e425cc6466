package org.veilswarm.tracker.store.journal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote, checking every length against what is left: a damaged record fails with
 * {@link FormatException} (the reader of the file adds where), never with an index or allocation error.
 */
final class ByteReader {
    /** Longest string a record may hold: a torrent's description or one file path is far shorter. */
    static final int MAX_STRING = 1 << 20;

    /** A record does not decode. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    private final ByteBuffer buffer;

    ByteReader(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    int remaining() {
        return buffer.remaining();
    }

    private void need(int n, String what) throws FormatException {
        if (n < 0 || buffer.remaining() < n) {
            throw new FormatException(what + " runs past the end of the record");
        }
    }

    int getByte(String what) throws FormatException {
        need(1, what);
        return buffer.get() & 0xFF;
    }

    int getInt(String what) throws FormatException {
        need(4, what);
        return buffer.getInt();
    }

    long getLong(String what) throws FormatException {
        need(8, what);
        return buffer.getLong();
    }

    byte[] getBytes(int n, String what) throws FormatException {
        need(n, what);
        byte[] out = new byte[n];
        buffer.get(out);
        return out;
    }

    /** A count of items that follow, each at least {@code minItemBytes} long, so that a bad count fails early. */
    int getCount(int minItemBytes, String what) throws FormatException {
        int n = getInt(what + " count");
        if (n < 0 || (long) n * minItemBytes > buffer.remaining()) {
            throw new FormatException(what + " count " + n + " does not fit the record");
        }
        return n;
    }

    String getString(String what) throws FormatException {
        int n = getInt(what + " length");
        if (n < 0 || n > MAX_STRING) {
            throw new FormatException(what + " length " + n + " out of range");
        }
        need(n, what);
        ByteBuffer slice = buffer.slice();
        slice.limit(n);
        buffer.position(buffer.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(what + " is not UTF-8");
        }
    }

    void expectEnd(String what) throws FormatException {
        if (buffer.hasRemaining()) {
            throw new FormatException(buffer.remaining() + " bytes left over after " + what);
        }
    }
}
