package org.veilswarm.transport.onion.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/** Values the engine tests hand to the transport: service keys and directory entries for their relays. */
public final class EngineTestValues {
    private EngineTestValues() {
    }

    public static ServiceKey serviceKey(Ed25519KeyPair key) {
        return new ServiceKey() {
            @Override
            public OnionAddress address() {
                return OnionAddress.fromPublicKey(key.publicKey());
            }

            @Override
            public byte[] expandedSecretKey() {
                return key.expandedSecretKey();
            }
        };
    }

    /** A relay with every flag and 1 MB/s, published a minute ago. */
    public static RelayDescriptor descriptor(RelayTarget target) {
        return descriptor(target, Instant.now().minusSeconds(60));
    }

    public static RelayDescriptor descriptor(RelayTarget target, Instant published) {
        return new RelayDescriptor(target.identity(), target.ntorOnionKey(), List.of(target.address()), 1_000_000, 0,
                Set.of(), "0.1.0", Set.of(RelayFlag.values()), published);
    }
}
