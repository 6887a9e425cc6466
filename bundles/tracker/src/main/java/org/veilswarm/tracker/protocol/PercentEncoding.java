package org.veilswarm.tracker.protocol;

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
        return decode(text, from, to, what, false);
    }

    /**
     * Decodes {@code text[from, to)} into an array of exactly the decoded length, in two passes over the text
     * (count, then fill) rather than through a growing buffer: announces are parsed by the thousand per second.
     * {@code what} names the part in error messages; if {@code whatIsParameter}, it is a parameter's decoded
     * name, made printable only when a message is built (never on the way of a valid request).
     */
    static byte[] decode(CharSequence text, int from, int to, String what, boolean whatIsParameter)
            throws TrackerRequestException {
        int length = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new TrackerRequestException("truncated %-escape in " + name(what, whatIsParameter));
                }
                if (hexValue(text.charAt(i + 1)) < 0 || hexValue(text.charAt(i + 2)) < 0) {
                    throw new TrackerRequestException("invalid %-escape in " + name(what, whatIsParameter)
                            + " (expected %XX, X hexadecimal)");
                }
                i += 2;
            } else if (c <= 0x20 || c >= 0x7F) {
                // The request line is ASCII without spaces or controls (RFC 9112 §3.2); anything else was not
                // percent-encoded by the client.
                throw new TrackerRequestException("unencoded byte 0x" + Integer.toHexString(c) + " in "
                        + name(what, whatIsParameter));
            }
            length++;
        }
        byte[] out = new byte[length];
        int o = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                out[o++] = (byte) (hexValue(text.charAt(i + 1)) << 4 | hexValue(text.charAt(i + 2)));
                i += 2;
            } else {
                out[o++] = (byte) c;
            }
        }
        return out;
    }

    private static String name(String what, boolean whatIsParameter) {
        return whatIsParameter ? QueryParameters.printable(what) : what;
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
