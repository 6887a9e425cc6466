package org.veilswarm.api.internal;

import java.util.Locale;

/**
 * RFC 4648 §6 base32 without padding, lower case, as tor writes onion addresses (rend-spec-v3 §6) and client
 * authorization keys; either case is read. Not exported: the api's own value classes share it.
 */
public final class Base32 {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private Base32() {
    }

    public static String encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /**
     * The {@code text.length() * 5 / 8} whole bytes of {@code text}; the bits left over are the last character's
     * padding (see {@link #paddingIsZero}).
     *
     * @throws IllegalArgumentException naming the first character that is not base32 and its position (from 1)
     */
    public static byte[] decode(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        byte[] out = new byte[lower.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < lower.length(); i++) {
            int v = ALPHABET.indexOf(lower.charAt(i));
            if (v < 0) {
                throw new IllegalArgumentException("'" + text.charAt(i) + "' at position " + (i + 1)
                        + " is not a base32 character (a-z, 2-7)");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }

    /** Whether the bits of the last character that fall past the last whole byte are zero, as an encoder writes them. */
    public static boolean paddingIsZero(String text) {
        int padding = text.length() * 5 % 8;
        if (padding == 0) {
            return true;
        }
        int last = ALPHABET.indexOf(Character.toLowerCase(text.charAt(text.length() - 1)));
        return (last & ((1 << padding) - 1)) == 0;
    }
}
