package org.veilswarm.api.transport;

/** RFC 4648 base32 without padding, as tor writes client authorization keys (lower case; either case is read). */
final class ClientAuthBase32 {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    /** 32 key bytes are 52 base32 characters (the last one carries 1 key bit and 4 padding bits, which must be zero). */
    static final int KEY_CHARS = 52;

    private ClientAuthBase32() {
    }

    static String encode(byte[] data) {
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
     * Decodes the 52 characters of a 32-byte key.
     *
     * @param what names the key in the error message
     * @throws IllegalArgumentException saying what is wrong (length, a character, non-zero padding bits)
     */
    static byte[] decodeKey(String text, String what) {
        if (text.length() != KEY_CHARS) {
            throw new IllegalArgumentException(what + " must be " + KEY_CHARS + " base32 characters (a-z, 2-7), got "
                    + text.length());
        }
        byte[] out = new byte[ClientAuthPublicKey.LENGTH];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            int v = ALPHABET.indexOf(Character.toLowerCase(text.charAt(i)));
            if (v < 0) {
                throw new IllegalArgumentException(what + ": '" + text.charAt(i) + "' at position " + (i + 1)
                        + " is not a base32 character (a-z, 2-7)");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException(what + ": the last base32 character has non-zero padding bits, so the"
                    + " key is mistyped or truncated");
        }
        return out;
    }
}
