package org.veilswarm.console.impl.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A secret kept as its SHA-256 digest, compared in constant time.
 *
 * <p>Both sides are hashed before {@link MessageDigest#isEqual} so the comparison always runs over two 32-byte
 * arrays: neither the position of the first differing character nor the candidate's length shows in the time
 * it takes (only the hashing of the candidate depends on its length, which the sender already knows).
 */
final class SecretDigest {

    private static final byte[] EMPTY = new byte[0];

    private final byte[] expected;

    SecretDigest(String secret) {
        this.expected = sha256(secret.getBytes(StandardCharsets.UTF_8));
    }

    boolean matches(String candidate) {
        byte[] presented = sha256(candidate == null ? EMPTY : candidate.getBytes(StandardCharsets.UTF_8));
        // A null candidate still costs a full comparison, then fails.
        return MessageDigest.isEqual(expected, presented) & candidate != null;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
