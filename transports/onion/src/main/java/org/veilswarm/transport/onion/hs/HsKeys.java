package org.veilswarm.transport.onion.hs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.veilswarm.crypto.Ed25519;

/**
 * Per-period key material of an onion service: the blinding factor and blinded keys of rend-spec-v3
 * Appendix A.2 (the curve arithmetic is in the crypto bundle), and the credential and subcredential of §2.1.
 * C tor uses no optional secret {@code s}; neither do we.
 */
public final class HsKeys {
    public static final int KEY_LENGTH = 32;
    public static final int SUBCREDENTIAL_LENGTH = 32;

    /** A.2: {@code BLIND_STRING = "Derive temporary signing key" | INT_1(0)}. */
    private static final byte[] BLIND_STRING = "Derive temporary signing key\0".getBytes(StandardCharsets.US_ASCII);
    /** A.2: B, the Ed25519 base point, as the decimal (x, y) string of its section 5 reference. */
    private static final byte[] BASEPOINT = ("(15112221349535400772501151409588531511454012693041857206046113283949847762202, "
            + "46316835694926478169428394003475163141307993866256225615783033603165251855960)")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_BLIND = "key-blind".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CREDENTIAL = "credential".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBCREDENTIAL = "subcredential".getBytes(StandardCharsets.US_ASCII);

    private HsKeys() {
    }

    /**
     * {@code h = SHA3-256(BLIND_STRING | A | B | N)} with {@code N = "key-blind" | INT_8(period_num) |
     * INT_8(period_length)} (A.2), before the clamping that {@link Ed25519#blindPublicKey} applies.
     */
    public static byte[] blindingFactor(byte[] identityKey, TimePeriod period) {
        requireKey(identityKey, "identity key");
        MessageDigest sha3 = sha3();
        sha3.update(BLIND_STRING);
        sha3.update(identityKey);
        sha3.update(BASEPOINT);
        sha3.update(KEY_BLIND);
        sha3.update(int8(period.number()));
        sha3.update(int8(period.lengthMinutes()));
        return sha3.digest();
    }

    /** KP_hs_blind_id for the period: the key descriptors are stored and fetched under. */
    public static byte[] blindedPublicKey(byte[] identityKey, TimePeriod period) {
        return Ed25519.blindPublicKey(identityKey, blindingFactor(identityKey, period));
    }

    /** KS_hs_blind_id as a 64-byte expanded secret key, with its public key, for the period. */
    public static BlindedKeyPair blindedKeyPair(byte[] identityPublicKey, byte[] identityExpandedSecretKey,
            TimePeriod period) {
        byte[] factor = blindingFactor(identityPublicKey, period);
        byte[] secret = Ed25519.blindExpandedSecretKey(identityExpandedSecretKey, factor);
        byte[] publicKey = Ed25519.blindPublicKey(identityPublicKey, factor);
        return new BlindedKeyPair(secret, publicKey);
    }

    /** §2.1: {@code N_hs_cred = SHA3-256("credential" | public-identity-key)}. */
    public static byte[] credential(byte[] identityKey) {
        requireKey(identityKey, "identity key");
        MessageDigest sha3 = sha3();
        sha3.update(CREDENTIAL);
        sha3.update(identityKey);
        return sha3.digest();
    }

    /** §2.1: {@code N_hs_subcred = SHA3-256("subcredential" | N_hs_cred | blinded-public-key)}. */
    public static byte[] subcredential(byte[] identityKey, byte[] blindedPublicKey) {
        requireKey(blindedPublicKey, "blinded public key");
        MessageDigest sha3 = sha3();
        sha3.update(SUBCREDENTIAL);
        sha3.update(credential(identityKey));
        sha3.update(blindedPublicKey);
        return sha3.digest();
    }

    /** The subcredential of the period, computing the blinded key on the way. */
    public static byte[] subcredential(byte[] identityKey, TimePeriod period) {
        return subcredential(identityKey, blindedPublicKey(identityKey, period));
    }

    static byte[] int8(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static MessageDigest sha3() {
        try {
            return MessageDigest.getInstance("SHA3-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA3-256", e);
        }
    }

    static void requireKey(byte[] key, String what) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be " + KEY_LENGTH + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
    }
}
