package org.veilswarm.api.node;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's long-term identity: an Ed25519 key whose public half is the node's {@link OnionAddress}.
 *
 * <p>Registered as a service by the node bundle. The secret key never leaves the provider except through
 * {@link org.veilswarm.api.transport.ServiceKey}, which transports need to publish onion services.
 */
@ProviderType
public interface NodeIdentity {

    /** The node's onion address (rend-spec-v3 §6), the same on every transport. */
    OnionAddress address();

    /** A copy of the 32-byte Ed25519 public key. */
    byte[] publicKey();

    /** An Ed25519 signature (RFC 8032) of {@code message} by the node's identity key. */
    byte[] sign(byte[] message);

    /**
     * Verifies an Ed25519 signature by any key; returns {@code false} (never throws) for a bad signature
     * or a malformed key or signature.
     */
    boolean verify(byte[] publicKey, byte[] message, byte[] signature);

    /** The key under which transports publish the node's own onion service. */
    org.veilswarm.api.transport.ServiceKey serviceKey();
}
