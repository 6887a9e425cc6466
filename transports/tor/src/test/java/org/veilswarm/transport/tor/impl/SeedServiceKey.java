package org.veilswarm.transport.tor.impl;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Randoms;

/** A service key from an Ed25519 seed, derived as the node's identity derives its own. */
record SeedServiceKey(byte[] seed) implements ServiceKey {
    static SeedServiceKey random() {
        return new SeedServiceKey(Randoms.bytes(Ed25519.SEED_LENGTH));
    }

    @Override
    public OnionAddress address() {
        return OnionAddress.fromPublicKey(Ed25519.publicKeyFromSeed(seed));
    }

    @Override
    public byte[] expandedSecretKey() {
        return Ed25519.expandSecretKey(seed);
    }
}
