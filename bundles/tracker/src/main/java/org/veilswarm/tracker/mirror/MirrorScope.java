package org.veilswarm.tracker.mirror;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.veilswarm.api.tracker.Visibility;

/**
 * The 32 bytes that bind a signed document to one share: SHA-256 of a context string and the share's path
 * prefix ({@code /private/<token>} or {@code /public/<token>}). Only holders of the token can compute it, the
 * source and the mirror compute it alike, and a document of one share can never pass for another's.
 */
final class MirrorScope {
    private static final byte[] CONTEXT = "veilswarm tracker-mirror scope v1\0".getBytes(StandardCharsets.US_ASCII);

    private MirrorScope() {
    }

    static byte[] of(Visibility visibility, String token) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(CONTEXT);
            sha256.update(prefix(visibility, token).getBytes(StandardCharsets.UTF_8));
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static String prefix(Visibility visibility, String token) {
        return (visibility == Visibility.PUBLIC ? "/public/" : "/private/") + token;
    }
}
