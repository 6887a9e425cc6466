package org.veilswarm.api.transport;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The X25519 public key of a client allowed to reach an onion service with client authorization
 * (rend-spec-v3 §2.5.1.2, {@code KP_hsc_desc_enc}): the service encrypts its descriptor's cookie to it, so only the
 * holder of the matching {@link ClientAuthSecretKey} can read the descriptor's introduction points.
 *
 * <p>Text form as C tor's {@code <HiddenServiceDir>/authorized_clients/<name>.auth} files and
 * {@code ADD_ONION ... ClientAuthV3=} take it: {@code descriptor:x25519:<52 base32 characters>}; the bare 52
 * characters are read as well.
 */
public final class ClientAuthPublicKey {
    /** Bytes of an X25519 key. */
    public static final int LENGTH = 32;
    static final String PREFIX = "descriptor:x25519:";

    private final byte[] key;

    private ClientAuthPublicKey(byte[] key) {
        this.key = key;
    }

    /** @throws IllegalArgumentException unless {@code key} has 32 bytes */
    public static ClientAuthPublicKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a client authorization public key is an X25519 key of " + LENGTH
                    + " bytes, got " + key.length);
        }
        return new ClientAuthPublicKey(key.clone());
    }

    /**
     * Reads {@code descriptor:x25519:<base32>} or the bare base32 key (surrounding white space ignored).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static ClientAuthPublicKey parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        if (s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            s = s.substring(PREFIX.length());
        } else if (s.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a client authorization public key is written "
                    + "descriptor:x25519:<52 base32 characters> (tor's .auth format), got '" + abbreviate(s) + "'");
        }
        return new ClientAuthPublicKey(ClientAuthBase32.decodeKey(s, "client authorization public key"));
    }

    /** A copy of the 32 key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The 52 base32 characters, lower case (what {@code ClientAuthV3=} of C tor's ADD_ONION takes). */
    public String base32() {
        return ClientAuthBase32.encode(key);
    }

    /** {@code descriptor:x25519:<base32>}: one line of a tor {@code .auth} file. */
    public String format() {
        return PREFIX + base32();
    }

    static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 24).toLowerCase(Locale.ROOT) + "…" : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientAuthPublicKey other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** The public key is not secret: its text form. */
    @Override
    public String toString() {
        return format();
    }
}
