package org.veilswarm.transport.onion.internal;

import java.nio.charset.StandardCharsets;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * The relay's Ed25519 identity, derived from the node's identity key but never equal to it.
 *
 * <p>Why not the node key itself: a relay's identity is public together with its IP address (link
 * certificates, and later its descriptor in the directory), while the node key is the node's onion
 * address, which must not be tied to an IP address. A one-way derivation keeps the relay identity stable
 * across restarts without a second key file, and reveals nothing about the onion address. Tor keeps the
 * two apart for the same reason (rend-spec-v3 keeps onion service keys separate from relay keys).
 */
final class RelayIdentity {
    /** HKDF-SHA256 "info" (RFC 5869 §3.2): names what the derived bytes are for. */
    private static final byte[] INFO = "veilswarm onion relay identity v1".getBytes(StandardCharsets.US_ASCII);

    private RelayIdentity() {
    }

    /** The relay key of the node whose service key is {@code nodeKey}. */
    static Ed25519KeyPair derive(ServiceKey nodeKey) {
        return NodeKeyDerivation.derive(nodeKey, INFO, Ed25519.SEED_LENGTH, Ed25519::keyPairFromSeed);
    }
}
