package org.veilswarm.crypto;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), as tor's ntor and hs-ntor key expansion use it
 * (tor-spec §5.2.2 KDF-RFC5869). Thread-safe; runs on the JDK's HMAC (SHA-NI intrinsics).
 */
public final class Hkdf {
    public static final int HASH_LENGTH = 32;
    /** RFC 5869 §2.3: L &lt;= 255 * HashLen. */
    public static final int MAX_OUTPUT_LENGTH = 255 * HASH_LENGTH;

    private Hkdf() {
    }

    /**
     * HKDF-Extract (RFC 5869 §2.2). A {@code null} or empty salt means HashLen zero bytes.
     *
     * @return the 32-byte pseudorandom key PRK
     */
    public static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        Objects.requireNonNull(inputKeyMaterial, "inputKeyMaterial");
        byte[] key = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        Mac hmac = Hmac.newHmacSha256(key);
        return hmac.doFinal(inputKeyMaterial);
    }

    /**
     * HKDF-Expand (RFC 5869 §2.3): {@code length} bytes of output keying material.
     *
     * @param info context, may be {@code null} (treated as empty)
     * @throws IllegalArgumentException if length is negative or above {@link #MAX_OUTPUT_LENGTH},
     *     or the key is shorter than 32 bytes
     */
    public static byte[] expand(byte[] pseudorandomKey, byte[] info, int length) {
        Objects.requireNonNull(pseudorandomKey, "pseudorandomKey");
        if (length < 0 || length > MAX_OUTPUT_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be between 0 and "
                    + MAX_OUTPUT_LENGTH + " (255 * 32) bytes, got " + length);
        }
        if (pseudorandomKey.length < HASH_LENGTH) {
            // RFC 5869 §2.3: "PRK  a pseudorandom key of at least HashLen octets".
            throw new IllegalArgumentException("HKDF-SHA256 pseudorandom key must be at least "
                    + HASH_LENGTH + " bytes, got " + pseudorandomKey.length);
        }
        byte[] context = info == null ? new byte[0] : info;
        Mac hmac = Hmac.newHmacSha256(pseudorandomKey);
        byte[] output = new byte[length];
        byte[] block = new byte[0];
        int written = 0;
        for (int counter = 1; written < length; counter++) {
            // T(i) = HMAC(PRK, T(i-1) | info | i)
            hmac.update(block);
            hmac.update(context);
            hmac.update((byte) counter);
            block = hmac.doFinal();
            int n = Math.min(block.length, length - written);
            System.arraycopy(block, 0, output, written, n);
            written += n;
        }
        Arrays.fill(block, (byte) 0);
        return output;
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        byte[] pseudorandomKey = extract(salt, inputKeyMaterial);
        try {
            return expand(pseudorandomKey, info, length);
        } finally {
            Arrays.fill(pseudorandomKey, (byte) 0);
        }
    }
}
