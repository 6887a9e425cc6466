package org.veilswarm.tracker.mirror;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * A node identity over a fresh Ed25519 key from the crypto bundle (the node bundle's one reads a key file). Shared
 * with later modules' tests through the tracker test-jar.
 */
public final class TestIdentity implements NodeIdentity {
    private final Ed25519KeyPair keys = Ed25519.generateKeyPair();

    @Override
    public OnionAddress address() {
        return OnionAddress.fromPublicKey(keys.publicKey());
    }

    @Override
    public byte[] publicKey() {
        return keys.publicKey();
    }

    @Override
    public byte[] sign(byte[] message) {
        return keys.sign(message);
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        try {
            return Ed25519.verify(publicKey, message, signature);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    @Override
    public ServiceKey serviceKey() {
        return new ServiceKey() {
            @Override
            public OnionAddress address() {
                return TestIdentity.this.address();
            }

            @Override
            public byte[] expandedSecretKey() {
                return Ed25519.expandSecretKey(keys.seed());
            }
        };
    }
}
