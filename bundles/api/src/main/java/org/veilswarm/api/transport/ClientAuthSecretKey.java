package org.veilswarm.api.transport;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.api.node.OnionAddress;

/**
 * The X25519 secret key a client holds to reach an onion service with client authorization
 * (rend-spec-v3 §2.5.1.2, {@code KS_hsc_desc_enc}): OnionShare's "private key" of a private share.
 *
 * <p>Text forms read by {@link #parse}: C tor's {@code ClientOnionAuthDir} line
 * {@code <56-character address>:descriptor:x25519:<base32>}, {@code descriptor:x25519:<base32>}, or the bare 52
 * base32 characters. {@link #toString()} never shows the key; {@link #format()} does.
 */
public final class ClientAuthSecretKey {
    private final byte[] key;

    private ClientAuthSecretKey(byte[] key) {
        this.key = key;
    }

    /** A new key pair from the JDK's X25519 ({@code XDH}) generator. */
    public static Pair generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            byte[] secret = ((XECPrivateKey) pair.getPrivate()).getScalar()
                    .orElseThrow(() -> new IllegalStateException("the JDK's X25519 key has no raw scalar"));
            try {
                return new Pair(of(secret), ClientAuthPublicKey.of(littleEndian(((XECPublicKey) pair.getPublic()).getU())));
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks X25519 (XDH, required since Java 11)", e);
        }
    }

    /** RFC 7748 §5: u-coordinates are 32 bytes little-endian. */
    private static byte[] littleEndian(BigInteger u) {
        byte[] big = u.toByteArray();
        byte[] out = new byte[ClientAuthPublicKey.LENGTH];
        for (int i = 0; i < out.length && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    /** @throws IllegalArgumentException unless {@code key} has 32 bytes */
    public static ClientAuthSecretKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != ClientAuthPublicKey.LENGTH) {
            throw new IllegalArgumentException("a client authorization secret key is an X25519 key of "
                    + ClientAuthPublicKey.LENGTH + " bytes, got " + key.length);
        }
        return new ClientAuthSecretKey(key.clone());
    }

    /**
     * Reads a key in one of the text forms above; the address of a {@code ClientOnionAuthDir} line is checked
     * and dropped (see {@link #parseAddress} to keep it).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}, never quoting the key
     */
    public static ClientAuthSecretKey parse(String text) {
        return parseLine(text).key;
    }

    /** The address of a {@code <address>:descriptor:x25519:<key>} line, empty for the shorter forms. */
    public static Optional<OnionAddress> parseAddress(String text) {
        return Optional.ofNullable(parseLine(text).address);
    }

    private record Line(OnionAddress address, ClientAuthSecretKey key) {
    }

    private static Line parseLine(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        OnionAddress address = null;
        int prefix = indexOfIgnoreCase(s, ClientAuthPublicKey.PREFIX);
        if (prefix > 0) {
            String host = s.substring(0, prefix - 1);
            if (s.charAt(prefix - 1) != ':') {
                throw new IllegalArgumentException("a client authorization key line is <address>:descriptor:x25519:"
                        + "<key>");
            }
            try {
                address = OnionAddress.parse(host.toLowerCase(java.util.Locale.ROOT).endsWith(OnionAddress.SUFFIX) ? host
                        : host + OnionAddress.SUFFIX);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the address before descriptor:x25519: is not an onion address: "
                        + e.getMessage(), e);
            }
            s = s.substring(prefix + ClientAuthPublicKey.PREFIX.length());
        } else if (prefix == 0) {
            s = s.substring(ClientAuthPublicKey.PREFIX.length());
        } else if (s.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a client authorization secret key is written as 52 base32 characters, "
                    + "descriptor:x25519:<key> or <address>:descriptor:x25519:<key> (tor's .auth_private format)");
        }
        return new Line(address, new ClientAuthSecretKey(ClientAuthBase32.decodeKey(s,
                "client authorization secret key")));
    }

    private static int indexOfIgnoreCase(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return i;
            }
        }
        return -1;
    }

    /** A copy of the 32 key bytes: the caller should zero it after use. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The 52 base32 characters, lower case: what a person copies (OnionShare's "private key"). */
    public String base32() {
        return ClientAuthBase32.encode(key);
    }

    /** {@code descriptor:x25519:<base32>}. */
    public String format() {
        return ClientAuthPublicKey.PREFIX + base32();
    }

    /** {@code <address>:descriptor:x25519:<base32>}: one line of a tor {@code .auth_private} file. */
    public String format(OnionAddress service) {
        return service.label() + ":" + format();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientAuthSecretKey other && java.security.MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** Never the key itself: keys end up in logs otherwise. */
    @Override
    public String toString() {
        return "ClientAuthSecretKey[…]";
    }

    /** A secret key and its public key. */
    public record Pair(ClientAuthSecretKey secret, ClientAuthPublicKey publicKey) {
        public Pair {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(publicKey, "publicKey");
        }
    }
}
