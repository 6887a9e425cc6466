package org.veilswarm.tracker.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 digest of a share token. Token tables are keyed by digest, not by token: a lookup compares
 * digests of attacker-chosen input, so how long a comparison takes tells nothing about a secret token's
 * prefix, and the final equality check is {@link MessageDigest#isEqual} (constant time).
 */
public final class TokenDigest {
    private final byte[] digest;
    private final int hash;

    private TokenDigest(byte[] digest) {
        this.digest = digest;
        this.hash = Arrays.hashCode(digest);
    }

    /** One SHA-256 instance per thread: a provider lookup per request costs more than hashing the token. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    /** The digest of {@code token}'s UTF-8 bytes; any string, well-formed or not, so that every path hashes. */
    public static TokenDigest of(String token) {
        // digest() resets the instance, so a failure half-way cannot leave state for the next call.
        return new TokenDigest(SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenDigest other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "TokenDigest[…]";
    }
}
