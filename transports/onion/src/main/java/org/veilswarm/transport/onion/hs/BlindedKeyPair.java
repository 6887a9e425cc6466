package org.veilswarm.transport.onion.hs;

import java.util.Arrays;
import java.util.Base64;
import javax.security.auth.Destroyable;
import org.veilswarm.crypto.Ed25519;

/**
 * An onion service's blinded signing key for one time period (rend-spec-v3 Appendix A.2): a 64-byte
 * expanded secret key and its public key. It signs only the descriptor-signing-key certificate (§2.4).
 * {@link #toString()} shows only the public key.
 */
public final class BlindedKeyPair implements Destroyable {
    private final byte[] expandedSecretKey;
    private final byte[] publicKey;
    private volatile boolean destroyed;

    BlindedKeyPair(byte[] expandedSecretKey, byte[] publicKey) {
        this.expandedSecretKey = expandedSecretKey;
        this.publicKey = publicKey;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public byte[] sign(byte[] message) {
        if (destroyed) {
            throw new IllegalStateException("blinded key pair has been destroyed");
        }
        return Ed25519.signWithExpandedSecretKey(expandedSecretKey, publicKey, message);
    }

    /** A copy of the expanded secret key, for the service that must persist or hand it on. */
    public byte[] expandedSecretKey() {
        if (destroyed) {
            throw new IllegalStateException("blinded key pair has been destroyed");
        }
        return expandedSecretKey.clone();
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(expandedSecretKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "BlindedKeyPair[public=" + Base64.getEncoder().encodeToString(publicKey) + "]";
    }
}
