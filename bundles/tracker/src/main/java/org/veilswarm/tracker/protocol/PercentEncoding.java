package org.veilswarm.tracker.protocol;

import java.io.ByteArrayOutputStream;

/**
 * Percent-encoding of query components, byte for byte (RFC 3986 §2.1).
 *
 * <p>Decoding is deliberately not {@code application/x-www-form-urlencoded}: {@code +} stays the byte 0x2B,
 * because {@code info_hash} and {@code peer_id} are binary and BitTorrent clients escape only what RFC 3986
 * requires; a tracker that turned {@code +} into a space would corrupt every hash containing 0x2B.
 */
public final class PercentEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {
    }

    /**
     * Decodes {@code text[from, to)}; every {@code %} must be followed by two hexadecimal digits.
     *
     * @throws TrackerRequestException naming {@code what} if an escape is malformed or a byte is not allowed
     */
    public static byte[] decode(CharSequence text, int from, int to, String what) throws TrackerRequestException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new TrackerRequestException("truncated %-escape in " + what);
                }
                int hi = hexValue(text.charAt(i + 1));
                int lo = hexValue(text.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    throw new TrackerRequestException("invalid %-escape in " + what + " (expected %XX, X hexadecimal)");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c <= 0x20 || c >= 0x7F) {
                // The request line is ASCII without spaces or controls (RFC 9112 §3.2); anything else was not
                // percent-encoded by the client.
                throw new TrackerRequestException("unencoded byte 0x" + Integer.toHexString(c) + " in " + what);
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Encodes every byte as {@code %XX}, unreserved characters included: the longest form, but the one that
     * every tracker decodes the same way (some treat {@code +} or {@code ~} specially).
     */
    public static String encodeAll(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        return out.toString();
    }
}
