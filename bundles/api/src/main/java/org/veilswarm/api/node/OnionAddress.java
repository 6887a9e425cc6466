package org.veilswarm.api.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

import org.veilswarm.api.internal.Base32;

/**
 * A version 3 onion address: the 32-byte Ed25519 public key of a service plus a checksum and version,
 * base32-encoded and followed by {@code .onion}.
 *
 * <pre>
 * onion_address = base32(PUBKEY | CHECKSUM | VERSION) + ".onion"
 * CHECKSUM      = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2]
 * VERSION       = 0x03
 * </pre>
 *
 * <p>This value type lives in the API (not in the crypto bundle) because every transport address and
 * share link carries one; it needs only the JDK's SHA3-256.
 *
 * @see <a href="https://spec.torproject.org/rend-spec/encoding-onion-addresses.html">rend-spec-v3 §6</a>
 */
public final class OnionAddress {
    /** Length of an Ed25519 public key, in bytes. */
    public static final int KEY_LENGTH = 32;
    /** The only address version defined by rend-spec-v3. */
    public static final byte VERSION = 0x03;
    /** The top-level domain, with its leading dot. */
    public static final String SUFFIX = ".onion";
    /** Length of the base32 label (35 bytes encode to 56 characters). */
    public static final int LABEL_LENGTH = 56;

    private static final byte[] CHECKSUM_PREFIX = ".onion checksum".getBytes(StandardCharsets.US_ASCII);

    private final byte[] publicKey;
    private final String label;

    private OnionAddress(byte[] publicKey, String label) {
        this.publicKey = publicKey;
        this.label = label;
    }

    /**
     * The address of the service whose Ed25519 public key is given.
     *
     * @throws IllegalArgumentException if the key is not 32 bytes long
     */
    public static OnionAddress fromPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is " + KEY_LENGTH + " bytes, got "
                    + (publicKey == null ? "null" : publicKey.length));
        }
        byte[] key = publicKey.clone();
        byte[] raw = new byte[KEY_LENGTH + 3];
        System.arraycopy(key, 0, raw, 0, KEY_LENGTH);
        byte[] checksum = checksum(key);
        raw[KEY_LENGTH] = checksum[0];
        raw[KEY_LENGTH + 1] = checksum[1];
        raw[KEY_LENGTH + 2] = VERSION;
        return new OnionAddress(key, Base32.encode(raw));
    }

    /**
     * Parses an onion address, with or without the {@code .onion} suffix, in any letter case. Any
     * subdomain labels before the address ({@code www.<address>.onion}) are ignored, as rend-spec-v3 §6
     * allows.
     *
     * @throws IllegalArgumentException naming what is wrong: length, alphabet, version or checksum
     */
    public static OnionAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("onion address is null");
        }
        String name = text.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(SUFFIX)) {
            name = name.substring(0, name.length() - SUFFIX.length());
        }
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            name = name.substring(dot + 1);
        }
        if (name.length() != LABEL_LENGTH) {
            throw new IllegalArgumentException("not a v3 onion address: expected " + LABEL_LENGTH
                    + " base32 characters, got " + name.length());
        }
        byte[] raw;
        try {
            raw = Base32.decode(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a v3 onion address: " + e.getMessage(), e);
        }
        if (raw[KEY_LENGTH + 2] != VERSION) {
            throw new IllegalArgumentException("unsupported onion address version " + (raw[KEY_LENGTH + 2] & 0xff)
                    + " (only version 3 exists)");
        }
        byte[] key = Arrays.copyOf(raw, KEY_LENGTH);
        byte[] expected = checksum(key);
        // The checksum is public data: no constant-time comparison needed.
        if (raw[KEY_LENGTH] != expected[0] || raw[KEY_LENGTH + 1] != expected[1]) {
            throw new IllegalArgumentException("onion address checksum mismatch: mistyped address?");
        }
        return new OnionAddress(key, name);
    }

    /** Whether {@code text} parses as a v3 onion address. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A copy of the 32-byte Ed25519 public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 56-character base32 label, lower case, without {@code .onion}. */
    public String label() {
        return label;
    }

    /** The host name: the label followed by {@code .onion}. */
    public String hostName() {
        return label + SUFFIX;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnionAddress other && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return hostName();
    }

    private static byte[] checksum(byte[] key) {
        try {
            MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
            sha3.update(CHECKSUM_PREFIX);
            sha3.update(key);
            sha3.update(VERSION);
            return Arrays.copyOf(sha3.digest(), 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA3-256 (required since Java 9)", e);
        }
    }
}
