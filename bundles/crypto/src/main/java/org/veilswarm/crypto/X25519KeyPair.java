package org.veilswarm.crypto;

import java.util.Arrays;
import java.util.Base64;
import javax.security.auth.Destroyable;
import org.veilswarm.crypto.internal.Checks;

/**
 * An X25519 private key with its public key (e.g. an ntor onion key or an ephemeral handshake
 * key). Accessors hand out copies; {@link #destroy()} zeroes the private key;
 * {@link #toString()} shows only the public key.
 */
public final class X25519KeyPair implements Destroyable {
    private final byte[] privateKey;
    private final byte[] publicKey;
    private volatile boolean destroyed;

    /** A pair from existing keys; {@code publicKey} must belong to {@code privateKey}. */
    public X25519KeyPair(byte[] privateKey, byte[] publicKey) {
        this.privateKey = Checks.requireLength(privateKey, X25519.KEY_LENGTH, "X25519 private key").clone();
        this.publicKey = Checks.requireLength(publicKey, X25519.KEY_LENGTH, "X25519 public key").clone();
    }

    public static X25519KeyPair fromPrivateKey(byte[] privateKey) {
        return new X25519KeyPair(privateKey, X25519.publicKey(privateKey));
    }

    public byte[] privateKey() {
        checkNotDestroyed();
        return privateKey.clone();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@link X25519#agree} with this pair's private key. */
    public byte[] agree(byte[] peerPublicKey) throws AllZeroSharedSecretException {
        checkNotDestroyed();
        return X25519.agree(privateKey, peerPublicKey);
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(privateKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("X25519 key pair has been destroyed");
        }
    }

    @Override
    public String toString() {
        return "X25519KeyPair[public=" + Base64.getEncoder().encodeToString(publicKey)
                + (destroyed ? ", destroyed" : "") + "]";
    }
}
