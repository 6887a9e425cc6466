package org.veilswarm.tracker.protocol;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A thread-safe {@link ShareTokens} in memory, keyed by {@link TokenDigest}. */
public final class ShareTokenTable implements ShareTokens {
    private final Map<TokenDigest, TrackedShare> shares = new ConcurrentHashMap<>();

    /** A new token: 32 random bytes (256 bits), base64url without padding (43 characters). */
    public static String newToken(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Serves {@code share} under {@code token}, replacing what the token served before.
     *
     * @throws IllegalArgumentException if the token is not well formed (too short to be unguessable)
     */
    public void put(String token, TrackedShare share) {
        if (!ShareTokens.isWellFormed(token)) {
            throw new IllegalArgumentException("a share token is 22-86 base64url characters (at least 128 bits)");
        }
        shares.put(TokenDigest.of(token), Objects.requireNonNull(share, "share"));
    }

    /** Stops serving {@code token}; whether it was served. */
    public boolean remove(String token) {
        return shares.remove(TokenDigest.of(token)) != null;
    }

    @Override
    public Optional<TrackedShare> find(TokenDigest digest) {
        return Optional.ofNullable(shares.get(digest));
    }
}
