package org.veilswarm.crypto;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * One-shot SHA-1, SHA-256, SHA3-256 and SHA-512 on the JDK's providers (SHA-NI intrinsics for
 * SHA-1/SHA-256). SHA3-256 is about ten times slower than SHA-256 here: keep it off per-cell paths.
 * For a running digest read without finishing it (tor relay cells) see {@link RunningDigest}.
 */
public final class Digests {
    public static final int SHA1_LENGTH = 20;
    public static final int SHA256_LENGTH = 32;
    public static final int SHA3_256_LENGTH = 32;
    public static final int SHA512_LENGTH = 64;

    private Digests() {
    }

    public static byte[] sha1(byte[] data) {
        return digest("SHA-1", data);
    }

    public static byte[] sha1(byte[] data, int offset, int length) {
        return digest("SHA-1", data, offset, length);
    }

    public static byte[] sha256(byte[] data) {
        return digest("SHA-256", data);
    }

    public static byte[] sha256(byte[] data, int offset, int length) {
        return digest("SHA-256", data, offset, length);
    }

    /** SHA-256 of the buffer's remaining bytes; the position moves to the limit. */
    public static byte[] sha256(ByteBuffer data) {
        MessageDigest digest = newMessageDigest("SHA-256");
        digest.update(Objects.requireNonNull(data, "data"));
        return digest.digest();
    }

    public static byte[] sha3_256(byte[] data) {
        return digest("SHA3-256", data);
    }

    public static byte[] sha3_256(byte[] data, int offset, int length) {
        return digest("SHA3-256", data, offset, length);
    }

    public static byte[] sha512(byte[] data) {
        return digest("SHA-512", data);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        return newMessageDigest(algorithm).digest(Objects.requireNonNull(data, "data"));
    }

    private static byte[] digest(String algorithm, byte[] data, int offset, int length) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        MessageDigest digest = newMessageDigest(algorithm);
        digest.update(data, offset, length);
        return digest.digest();
    }

    static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            // Every Java 17 runtime must provide these (JCA standard names, "SHA3-256" since 9).
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
