package org.veilswarm.tracker.protocol;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The shares a tracker serves, looked up by the digest of their token. The share bundle implements it;
 * {@link ShareTokenTable} is a ready implementation backed by a concurrent map.
 *
 * <p>Tokens are at least 128 random bits, base64url without padding (22 characters or more). Implementations
 * must key their table by {@link TokenDigest} and do no other work that depends on the token, so that an
 * unknown token and a known one take the same path.
 */
@ConsumerType
public interface ShareTokens {
    /** The share whose token has this digest, if any. Must be quick: it runs on an I/O thread. */
    Optional<TrackedShare> find(TokenDigest digest);

    /** Whether {@code token} has the form of a share token: 22-86 base64url characters, no padding. */
    static boolean isWellFormed(String token) {
        if (token.length() < 22 || token.length() > 86) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
