package org.veilswarm.api.transport;

import org.osgi.annotation.versioning.ProviderType;
import org.veilswarm.api.node.OnionAddress;

/**
 * The Ed25519 identity under which a transport publishes an onion service: the node's own key, or a
 * share's service key.
 *
 * <p>Installing a transport plugin means trusting it with this key: publishing an onion service requires
 * the secret (C tor takes it in {@code ADD_ONION ED25519-V3:<key>}; a native implementation derives the
 * per-period blinded keys from it, rend-spec-v3 §2.1).
 */
@ProviderType
public interface ServiceKey {

    /** The service's onion address. */
    OnionAddress address();

    /**
     * A copy of the 64-byte expanded Ed25519 secret key, in the form C tor's {@code ADD_ONION ED25519-V3}
     * accepts: the clamped scalar (32 bytes) followed by the hash prefix (32 bytes), i.e. SHA-512 of the
     * seed with RFC 8032 §5.1.5 clamping applied to the first half. The caller should zero it after use.
     */
    byte[] expandedSecretKey();
}
