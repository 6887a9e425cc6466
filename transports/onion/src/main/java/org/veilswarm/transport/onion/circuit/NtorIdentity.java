package org.veilswarm.transport.onion.circuit;

import org.veilswarm.crypto.Digests;

/**
 * The ntor handshake's relay ID [20] (tor-spec §5.1.4) for a Veilswarm relay. tor uses the SHA-1
 * digest of the relay's RSA identity key; our relays have only an Ed25519 identity (see
 * onion-links.md), so ID is the SHA-1 digest of that key, the same construction over the key we have.
 */
public final class NtorIdentity {
    private NtorIdentity() {
    }

    public static byte[] of(byte[] ed25519Identity) {
        if (ed25519Identity == null || ed25519Identity.length != 32) {
            throw new IllegalArgumentException("an Ed25519 identity is 32 bytes");
        }
        return Digests.sha1(ed25519Identity);
    }
}
