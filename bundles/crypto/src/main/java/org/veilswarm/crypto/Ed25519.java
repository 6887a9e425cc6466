package org.veilswarm.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.veilswarm.crypto.internal.Checks;
import org.veilswarm.crypto.internal.EdwardsPoint;
import org.veilswarm.crypto.internal.ScalarModL;

/**
 * Ed25519 signatures (RFC 8032 §5.1) with raw byte-array keys, plus the two key forms Tor uses
 * beyond the RFC: the 64-byte expanded secret key and key blinding (rend-spec-v3 Appendix A.2).
 *
 * <p>Seed-based operations run on Bouncy Castle's {@code rfc8032.Ed25519}, which verified ten times
 * faster than the JDK's EdDSA on our machines (docs/crypto.md). Verification rejects
 * non-canonical S (S &ge; L) and public keys or R values that decode to no point, as RFC 8032
 * §5.1.7 asks.
 *
 * <p>All methods are thread-safe. Wrong input lengths throw {@link IllegalArgumentException};
 * a signature that does not verify is never an exception, just {@code false}.
 */
public final class Ed25519 {
    public static final int SEED_LENGTH = 32;
    public static final int PUBLIC_KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;
    /** Clamped scalar (32 bytes) followed by the hash prefix (32 bytes): C tor's secret key form. */
    public static final int EXPANDED_SECRET_KEY_LENGTH = 64;
    public static final int BLINDING_FACTOR_LENGTH = 32;

    /** rend-spec-v3 Appendix A.2: the nonce-generation half of a blinded key. */
    private static final byte[] BLIND_PREFIX_STRING =
            "Derive temporary signing key hash input".getBytes(StandardCharsets.US_ASCII);

    private Ed25519() {
    }

    /** A fresh key pair from {@link Randoms#secureRandom()}. */
    public static Ed25519KeyPair generateKeyPair() {
        return generateKeyPair(Randoms.secureRandom());
    }

    public static Ed25519KeyPair generateKeyPair(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] seed = new byte[SEED_LENGTH];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePrivateKey(random, seed);
        try {
            return keyPairFromSeed(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The key pair for a 32-byte secret seed; the pair keeps its own copy of the seed. */
    public static Ed25519KeyPair keyPairFromSeed(byte[] seed) {
        return new Ed25519KeyPair(seed, publicKeyFromSeed(seed));
    }

    public static byte[] publicKeyFromSeed(byte[] seed) {
        Checks.requireLength(seed, SEED_LENGTH, "Ed25519 seed");
        byte[] publicKey = new byte[PUBLIC_KEY_LENGTH];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return publicKey;
    }

    /**
     * Signs with a seed, deriving the public key first. Prefer {@link Ed25519KeyPair#sign(byte[])},
     * which skips that scalar multiplication.
     */
    public static byte[] sign(byte[] seed, byte[] message) {
        return sign(seed, publicKeyFromSeed(seed), message, 0, Objects.requireNonNull(message, "message").length);
    }

    static byte[] sign(byte[] seed, byte[] publicKey, byte[] message, int offset, int length) {
        Checks.requireLength(seed, SEED_LENGTH, "Ed25519 seed");
        Checks.requireLength(publicKey, PUBLIC_KEY_LENGTH, "Ed25519 public key");
        Checks.requireRange(message, offset, length, "message");
        byte[] signature = new byte[SIGNATURE_LENGTH];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
                seed, 0, publicKey, 0, message, offset, length, signature, 0);
        return signature;
    }

    /** True only if {@code signature} is a valid signature of {@code message} by {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return verify(publicKey, message, 0, Objects.requireNonNull(message, "message").length, signature);
    }

    /** Verifies a signature over {@code message[offset, offset + length)}. */
    public static boolean verify(byte[] publicKey, byte[] message, int offset, int length, byte[] signature) {
        Checks.requireLength(publicKey, PUBLIC_KEY_LENGTH, "Ed25519 public key");
        Checks.requireLength(signature, SIGNATURE_LENGTH, "Ed25519 signature");
        Checks.requireRange(message, offset, length, "message");
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
                signature, 0, publicKey, 0, message, offset, length);
    }

    /**
     * True if the bytes decode to a curve point of prime order (not a small-order or mixed point).
     * Useful for keys received from others that will be blinded or used as identities.
     */
    public static boolean isValidPublicKey(byte[] publicKey) {
        Checks.requireLength(publicKey, PUBLIC_KEY_LENGTH, "Ed25519 public key");
        return org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyFull(publicKey, 0);
    }

    /**
     * The expanded secret key: SHA-512(seed) with the RFC 8032 §5.1.5 clamping applied to the
     * first half (scalar || hash prefix). This is what C tor stores and what
     * {@code ADD_ONION ED25519-V3:<base64>} takes.
     */
    public static byte[] expandSecretKey(byte[] seed) {
        Checks.requireLength(seed, SEED_LENGTH, "Ed25519 seed");
        byte[] expanded = sha512(seed);
        expanded[0] &= (byte) 248;
        expanded[31] &= 127;
        expanded[31] |= 64;
        return expanded;
    }

    /** [a]B for the scalar half of an expanded secret key. */
    public static byte[] publicKeyFromExpandedSecretKey(byte[] expandedSecretKey) {
        Checks.requireLength(expandedSecretKey, EXPANDED_SECRET_KEY_LENGTH, "Ed25519 expanded secret key");
        byte[] scalar = Arrays.copyOf(expandedSecretKey, 32);
        try {
            return EdwardsPoint.base().multiply(scalar).encode();
        } finally {
            Arrays.fill(scalar, (byte) 0);
        }
    }

    /**
     * Signs with an expanded secret key (RFC 8032 §5.1.6 steps 2-6), as tor does for blinded keys.
     * {@code publicKey} must be the key that belongs to {@code expandedSecretKey}
     * ({@link #publicKeyFromExpandedSecretKey}), and is checked: the nonce depends only on the prefix and the
     * message, so two signatures of one message under two different public keys would reveal the secret
     * scalar (the "double public key" attack on Ed25519 APIs). The check costs one scalar multiplication.
     *
     * @throws IllegalArgumentException if {@code publicKey} is not the expanded key's public key
     */
    public static byte[] signWithExpandedSecretKey(byte[] expandedSecretKey, byte[] publicKey, byte[] message) {
        Checks.requireLength(expandedSecretKey, EXPANDED_SECRET_KEY_LENGTH, "Ed25519 expanded secret key");
        Checks.requireLength(publicKey, PUBLIC_KEY_LENGTH, "Ed25519 public key");
        Objects.requireNonNull(message, "message");
        if (!ConstantTime.equals(publicKeyFromExpandedSecretKey(expandedSecretKey), publicKey)) {
            throw new IllegalArgumentException("the public key does not belong to this expanded secret key: "
                    + "refusing to sign (a signature under a wrong public key leaks the secret scalar)");
        }
        byte[] scalar = Arrays.copyOf(expandedSecretKey, 32);
        MessageDigest sha512 = sha512Digest();
        sha512.update(expandedSecretKey, 32, 32);
        sha512.update(message);
        byte[] nonceHash = sha512.digest();
        byte[] nonce = ScalarModL.reduce(nonceHash);
        try {
            byte[] commitment = EdwardsPoint.base().multiply(nonce).encode();
            sha512.update(commitment);
            sha512.update(publicKey);
            sha512.update(message);
            byte[] challenge = ScalarModL.reduce(sha512.digest());
            byte[] response = ScalarModL.multiplyAdd(challenge, scalar, nonce);
            byte[] signature = Arrays.copyOf(commitment, SIGNATURE_LENGTH);
            System.arraycopy(response, 0, signature, 32, 32);
            return signature;
        } finally {
            Arrays.fill(scalar, (byte) 0);
            Arrays.fill(nonce, (byte) 0);
            Arrays.fill(nonceHash, (byte) 0);
        }
    }

    /**
     * The blinded public key A' = [h]A of rend-spec-v3 Appendix A.2. {@code blindingFactor} is the
     * 32-byte h = SHA3-256(BLIND_STRING | A | s | B | N) computed by the caller; the clamping the
     * spec prescribes for h is applied here.
     *
     * @throws IllegalArgumentException if {@code publicKey} is not a valid point encoding
     */
    public static byte[] blindPublicKey(byte[] publicKey, byte[] blindingFactor) {
        Checks.requireLength(publicKey, PUBLIC_KEY_LENGTH, "Ed25519 public key");
        Checks.requireLength(blindingFactor, BLINDING_FACTOR_LENGTH, "blinding factor");
        EdwardsPoint point = EdwardsPoint.decodeVar(publicKey);
        if (point == null) {
            throw new IllegalArgumentException("Ed25519 public key does not encode a curve point");
        }
        return point.multiply(clampBlindingFactor(blindingFactor)).encode();
    }

    /**
     * The blinded expanded secret key of rend-spec-v3 Appendix A.2: scalar a' = h a mod L and hash
     * prefix RH' = SHA-512("Derive temporary signing key hash input" | RH)[:32]. Its public key is
     * {@link #blindPublicKey} of the unblinded public key; sign with
     * {@link #signWithExpandedSecretKey}.
     */
    public static byte[] blindExpandedSecretKey(byte[] expandedSecretKey, byte[] blindingFactor) {
        Checks.requireLength(expandedSecretKey, EXPANDED_SECRET_KEY_LENGTH, "Ed25519 expanded secret key");
        Checks.requireLength(blindingFactor, BLINDING_FACTOR_LENGTH, "blinding factor");
        byte[] scalar = Arrays.copyOf(expandedSecretKey, 32);
        byte[] blindedScalar = ScalarModL.multiply(clampBlindingFactor(blindingFactor), scalar);
        MessageDigest sha512 = sha512Digest();
        sha512.update(BLIND_PREFIX_STRING);
        sha512.update(expandedSecretKey, 32, 32);
        byte[] prefixHash = sha512.digest();
        byte[] blinded = new byte[EXPANDED_SECRET_KEY_LENGTH];
        System.arraycopy(blindedScalar, 0, blinded, 0, 32);
        System.arraycopy(prefixHash, 0, blinded, 32, 32);
        Arrays.fill(scalar, (byte) 0);
        Arrays.fill(blindedScalar, (byte) 0);
        Arrays.fill(prefixHash, (byte) 0);
        return blinded;
    }

    /**
     * The Ed25519 public key equivalent to an X25519 public key, by the birational map of RFC 7748 §4.1
     * ({@code y = (u - 1) / (u + 1) mod p}), with {@code signBit} as the sign of x. Tor certifies an
     * onion service's ntor encryption key this way (rend-spec-v3 §2.5.2.2 "enc-key-cert", which names the
     * conversion of proposal 228 appendix A; onion services use sign bit 0).
     *
     * @throws IllegalArgumentException if {@code u} is the one value (p - 1) with no Edwards equivalent
     */
    public static byte[] publicKeyFromX25519(byte[] x25519PublicKey, int signBit) {
        Checks.requireLength(x25519PublicKey, X25519.KEY_LENGTH, "X25519 public key");
        if (signBit != 0 && signBit != 1) {
            throw new IllegalArgumentException("sign bit must be 0 or 1, got " + signBit);
        }
        // Public data only: BigInteger's timing does not matter here.
        BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
        byte[] littleEndian = x25519PublicKey.clone();
        littleEndian[31] &= 0x7f; // RFC 7748 §5: the top bit of u is ignored
        BigInteger u = new BigInteger(1, reverse(littleEndian)).mod(p);
        BigInteger denominator = u.add(BigInteger.ONE).mod(p);
        if (denominator.signum() == 0) {
            throw new IllegalArgumentException("X25519 public key u = p - 1 has no Ed25519 equivalent");
        }
        BigInteger y = u.subtract(BigInteger.ONE).mod(p).multiply(denominator.modInverse(p)).mod(p);
        byte[] bigEndian = y.toByteArray();
        byte[] encoded = new byte[PUBLIC_KEY_LENGTH];
        for (int i = 0; i < PUBLIC_KEY_LENGTH && i < bigEndian.length; i++) {
            encoded[i] = bigEndian[bigEndian.length - 1 - i];
        }
        encoded[31] |= (byte) (signBit << 7);
        return encoded;
    }

    private static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    private static byte[] clampBlindingFactor(byte[] blindingFactor) {
        // rend-spec-v3 Appendix A.2: "clamp the blinding factor 'h' according to the ed25519 spec".
        byte[] clamped = blindingFactor.clone();
        clamped[0] &= (byte) 248;
        clamped[31] &= 63;
        clamped[31] |= 64;
        return clamped;
    }

    private static byte[] sha512(byte[] data) {
        return sha512Digest().digest(data);
    }

    private static MessageDigest sha512Digest() {
        return Digests.newMessageDigest("SHA-512");
    }
}
