package org.veilswarm.crypto;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.veilswarm.crypto.internal.Checks;

/**
 * An Ed25519 secret seed with its public key. Accessors hand out copies; {@link #destroy()} zeroes
 * the seed, after which every secret operation throws {@link IllegalStateException}.
 * {@link #toString()} shows only the public key.
 *
 * <p>Thread-safe for concurrent signing; do not destroy while another thread signs.
 */
public final class Ed25519KeyPair implements Destroyable {
    private final byte[] seed;
    private final byte[] publicKey;
    private volatile boolean destroyed;

    Ed25519KeyPair(byte[] seed, byte[] publicKey) {
        this.seed = Checks.requireLength(seed, Ed25519.SEED_LENGTH, "Ed25519 seed").clone();
        this.publicKey = Checks.requireLength(publicKey, Ed25519.PUBLIC_KEY_LENGTH, "Ed25519 public key").clone();
    }

    /** A copy of the 32-byte secret seed (the form {@code keys/identity.ed25519} stores). */
    public byte[] seed() {
        checkNotDestroyed();
        return seed.clone();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 64-byte expanded secret key C tor uses ({@link Ed25519#expandSecretKey}). */
    public byte[] expandedSecretKey() {
        checkNotDestroyed();
        return Ed25519.expandSecretKey(seed);
    }

    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        return sign(message, 0, message.length);
    }

    public byte[] sign(byte[] message, int offset, int length) {
        checkNotDestroyed();
        return Ed25519.sign(seed, publicKey, message, offset, length);
    }

    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(seed, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("Ed25519 key pair has been destroyed");
        }
    }

    @Override
    public String toString() {
        return "Ed25519KeyPair[public=" + Base64.getEncoder().encodeToString(publicKey)
                + (destroyed ? ", destroyed" : "") + "]";
    }
}
