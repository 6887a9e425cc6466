package org.veilswarm.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The process-wide {@link SecureRandom} and helpers on top of it. {@code new SecureRandom()} on
 * Linux reads the kernel's CSPRNG (getrandom/urandom) and never blocks once the system is seeded.
 * Thread-safe.
 */
public final class Randoms {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Randoms() {
    }

    public static SecureRandom secureRandom() {
        return RANDOM;
    }

    /** {@code count} random bytes. */
    public static byte[] bytes(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("byte count must not be negative, got " + count);
        }
        byte[] out = new byte[count];
        RANDOM.nextBytes(out);
        return out;
    }

    /**
     * A token of {@code byteCount} random bytes in base64url without padding (RFC 4648 §5), safe
     * in URL paths and file names; 32 bytes give the 43-character management token.
     */
    public static String token(int byteCount) {
        if (byteCount < 1) {
            throw new IllegalArgumentException("a token needs at least one random byte, got " + byteCount);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(byteCount));
    }
}
