package org.veilswarm.node.impl;

import java.util.Objects;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * The node's identity over an Ed25519 key pair held in memory. {@link #close()} zeroes the seed; a consumer
 * still holding this object afterwards gets {@link IllegalStateException} from the secret operations.
 */
public final class Ed25519NodeIdentity implements NodeIdentity, AutoCloseable {

    private final Ed25519KeyPair keyPair;
    private final OnionAddress address;
    private final ServiceKey serviceKey;

    /** Takes ownership of {@code keyPair}: {@link #close()} destroys it. */
    public Ed25519NodeIdentity(Ed25519KeyPair keyPair) {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        // rend-spec-v3 §6: the onion address is the Ed25519 public key plus checksum and version.
        this.address = OnionAddress.fromPublicKey(keyPair.publicKey());
        this.serviceKey = new NodeServiceKey();
    }

    @Override
    public OnionAddress address() {
        return address;
    }

    @Override
    public byte[] publicKey() {
        return keyPair.publicKey();
    }

    @Override
    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        checkOpen();
        return keyPair.sign(message);
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        // The API promises false, never an exception, for malformed keys and signatures.
        if (publicKey == null || message == null || signature == null
                || publicKey.length != Ed25519.PUBLIC_KEY_LENGTH || signature.length != Ed25519.SIGNATURE_LENGTH) {
            return false;
        }
        try {
            return Ed25519.verify(publicKey, message, signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public ServiceKey serviceKey() {
        return serviceKey;
    }

    /** Zeroes the secret seed. */
    @Override
    public void close() {
        keyPair.destroy();
    }

    private void checkOpen() {
        if (keyPair.isDestroyed()) {
            throw new IllegalStateException("the node identity " + address + " was closed (the node bundle stopped)");
        }
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + address + "]";
    }

    /** The node's own onion service key: the identity key itself, so the service address is the node address. */
    private final class NodeServiceKey implements ServiceKey {

        @Override
        public OnionAddress address() {
            return address;
        }

        @Override
        public byte[] expandedSecretKey() {
            checkOpen();
            return keyPair.expandedSecretKey();
        }

        @Override
        public String toString() {
            return "ServiceKey[" + address + "]";
        }
    }
}
