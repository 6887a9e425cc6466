package org.veilswarm.directory.authority;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.RelayDescriptorDocument;

/** Seeded keys and signed descriptors for the authority tests. */
final class Relays {
    private Relays() {
    }

    static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xa0700000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    static SignedRelayDescriptor relay(Ed25519KeyPair key, int port, long bandwidth, Set<RelayFlag> claimed,
            String version, Instant published) {
        try {
            RelayDescriptor d = new RelayDescriptor(key.publicKey(), new byte[32],
                    List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)), bandwidth, 0, Set.of(),
                    version, claimed, published);
            return RelayDescriptorDocument.sign(d, key);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
