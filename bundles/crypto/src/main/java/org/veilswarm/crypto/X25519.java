package org.veilswarm.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.veilswarm.crypto.internal.Checks;

/**
 * X25519 Diffie-Hellman (RFC 7748 §5, §6.1) with raw 32-byte keys, on Bouncy Castle's
 * {@code rfc7748.X25519} (faster than the JDK's XDH here, see docs/crypto.md). Thread-safe.
 */
public final class X25519 {
    public static final int KEY_LENGTH = 32;

    private X25519() {
    }

    public static X25519KeyPair generateKeyPair() {
        return generateKeyPair(Randoms.secureRandom());
    }

    public static X25519KeyPair generateKeyPair(SecureRandom random) {
        byte[] privateKey = generatePrivateKey(random);
        try {
            return new X25519KeyPair(privateKey, publicKey(privateKey));
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    /** 32 random bytes, already clamped (RFC 7748 §5 clamps on use anyway). */
    public static byte[] generatePrivateKey(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] privateKey = new byte[KEY_LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(random, privateKey);
        return privateKey;
    }

    /** X25519(k, 9): the public key for a private key. */
    public static byte[] publicKey(byte[] privateKey) {
        Checks.requireLength(privateKey, KEY_LENGTH, "X25519 private key");
        byte[] publicKey = new byte[KEY_LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return publicKey;
    }

    /**
     * The shared secret X25519(privateKey, peerPublicKey).
     *
     * @throws AllZeroSharedSecretException if the result is all zeros, which a peer forces by
     *     sending a small-order point (RFC 7748 §6.1; tor-spec §5.1.4 requires the check)
     */
    public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) throws AllZeroSharedSecretException {
        Checks.requireLength(privateKey, KEY_LENGTH, "X25519 private key");
        Checks.requireLength(peerPublicKey, KEY_LENGTH, "X25519 peer public key");
        byte[] shared = new byte[KEY_LENGTH];
        // Bouncy Castle computes the whole ladder and only then checks for zero, in constant time.
        boolean contributory = org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
                privateKey, 0, peerPublicKey, 0, shared, 0);
        if (!contributory) {
            throw new AllZeroSharedSecretException();
        }
        return shared;
    }
}
