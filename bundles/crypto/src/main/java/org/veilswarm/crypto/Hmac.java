package org.veilswarm.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (RFC 2104), e.g. tor-spec §5.1.4's H(x, t) in the ntor handshake. Thread-safe.
 * An empty key is allowed; a {@code null} key is not.
 */
public final class Hmac {
    public static final int SHA256_LENGTH = 32;

    private Hmac() {
    }

    /** HMAC-SHA256(key, part1 | part2 | ...). */
    public static byte[] sha256(byte[] key, byte[]... messageParts) {
        Objects.requireNonNull(messageParts, "messageParts");
        Mac mac = newHmacSha256(key);
        for (byte[] part : messageParts) {
            mac.update(Objects.requireNonNull(part, "message part"));
        }
        return mac.doFinal();
    }

    static Mac newHmacSha256(byte[] key) {
        Objects.requireNonNull(key, "key");
        try {
            // SecretKeySpec refuses an empty key. HMAC zero-pads keys to the block size, so one
            // zero byte is exactly the same key as none (RFC 2104 §2).
            byte[] effectiveKey = key.length == 0 ? new byte[1] : key;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(effectiveKey, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("HMAC-SHA256 key rejected: " + e.getMessage(), e);
        }
    }
}
