package org.veilswarm.bencode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the canonical bencoding (BEP 3) of a value: shortest integers, dictionary keys in raw byte
 * order. The encoding of a value is therefore unique, which is what makes info-hashes reproducible.
 */
public final class BencodeEncoder {

    private BencodeEncoder() {
    }

    public static byte[] encode(BencodeValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            encode(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a ByteArrayOutputStream
        }
        return out.toByteArray();
    }

    public static void encode(BencodeValue value, OutputStream out) throws IOException {
        if (value instanceof BencodeInteger i) {
            out.write('i');
            writeAscii(Long.toString(i.value()), out);
            out.write('e');
        } else if (value instanceof BencodeString s) {
            writeString(s, out);
        } else if (value instanceof BencodeList l) {
            out.write('l');
            for (BencodeValue element : l.values()) {
                encode(element, out);
            }
            out.write('e');
        } else if (value instanceof BencodeDictionary d) {
            out.write('d');
            // entries() is a map sorted by raw key bytes, whatever order the input had.
            for (Map.Entry<BencodeString, BencodeValue> e : d.entries().entrySet()) {
                writeString(e.getKey(), out);
                encode(e.getValue(), out);
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("not a bencode value: " + value);
        }
    }

    private static void writeString(BencodeString s, OutputStream out) throws IOException {
        writeAscii(Integer.toString(s.length()), out);
        out.write(':');
        s.writeBytesTo(out);
    }

    private static void writeAscii(String text, OutputStream out) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
}
