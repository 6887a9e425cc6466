package org.veilswarm.api.transport;

import org.veilswarm.api.internal.Base32;

/** RFC 4648 base32 without padding, as tor writes client authorization keys (lower case; either case is read). */
final class ClientAuthBase32 {
    /** 32 key bytes are 52 base32 characters (the last one carries 1 key bit and 4 padding bits, which must be zero). */
    static final int KEY_CHARS = 52;

    private ClientAuthBase32() {
    }

    static String encode(byte[] data) {
        return Base32.encode(data);
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
        byte[] out;
        try {
            out = Base32.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        if (!Base32.paddingIsZero(text)) {
            throw new IllegalArgumentException(what + ": the last base32 character has non-zero padding bits, so the"
                    + " key is mistyped or truncated");
        }
        return out;
    }
}
