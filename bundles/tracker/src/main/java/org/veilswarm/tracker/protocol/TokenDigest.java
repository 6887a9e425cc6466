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

    /** The digest of {@code token}'s UTF-8 bytes; any string, well-formed or not, so that every path hashes. */
    public static TokenDigest of(String token) {
        try {
            return new TokenDigest(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
