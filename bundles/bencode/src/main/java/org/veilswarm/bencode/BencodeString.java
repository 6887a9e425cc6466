package org.veilswarm.bencode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A bencoded byte string ({@code <length>:<bytes>}). The raw bytes are kept as they are: BEP 3 strings
 * are arbitrary byte sequences, and only some fields are text (BEP 52 says human-readable strings are
 * UTF-8). Ordering is the raw unsigned byte order that BEP 3 prescribes for dictionary keys.
 */
public final class BencodeString implements BencodeValue, Comparable<BencodeString> {

    private final byte[] bytes;
    private int hash;

    private BencodeString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A string holding a copy of {@code bytes}. */
    public static BencodeString of(byte[] bytes) {
        return new BencodeString(bytes.clone());
    }

    /** A string holding the UTF-8 encoding of {@code text}. */
    public static BencodeString of(String text) {
        return new BencodeString(text.getBytes(StandardCharsets.UTF_8));
    }

    static BencodeString wrap(byte[] owned) {
        return new BencodeString(owned);
    }

    /** A copy of the raw bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    void writeBytesTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public byte byteAt(int index) {
        return bytes[index];
    }

    /** The bytes as UTF-8 text, or empty when they are not well-formed UTF-8. */
    public Optional<String> utf8() {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The bytes as UTF-8 text with malformed sequences replaced by U+FFFD: for display only. */
    public String utf8Lossy() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public boolean contentEquals(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    @Override
    public String typeName() {
        return "string";
    }

    @Override
    public int compareTo(BencodeString other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BencodeString s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** Printable ASCII as text, anything else as hex: keeps logs readable and safe. */
    @Override
    public String toString() {
        boolean printable = true;
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                printable = false;
                break;
            }
        }
        if (printable) {
            return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
        }
        StringBuilder hex = new StringBuilder(bytes.length * 2 + 4).append("0x");
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}
