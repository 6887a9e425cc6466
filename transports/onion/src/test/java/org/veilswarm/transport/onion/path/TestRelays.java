package org.veilswarm.transport.onion.path;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;

/** Relay descriptors for path tests: random keys, every flag, loopback addresses that are never dialled. */
final class TestRelays {
    static final Set<RelayFlag> ALL_FLAGS = EnumSet.allOf(RelayFlag.class);

    private TestRelays() {
    }

    static byte[] key(Random random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    static RelayDescriptor relay(Random random, Set<RelayDescriptor.Key> family, Set<RelayFlag> flags) {
        return relay(key(random), key(random), new InetSocketAddress("127.0.0.1", 9000 + random.nextInt(1000)),
                family, flags);
    }

    static RelayDescriptor relay(byte[] identity, byte[] ntorKey, InetSocketAddress address,
            Set<RelayDescriptor.Key> family, Set<RelayFlag> flags) {
        return new RelayDescriptor(identity, ntorKey, List.of(address), 1_000_000, 0, family, "veilswarm-test", flags,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** The same relay declaring {@code family}. */
    static RelayDescriptor withFamily(RelayDescriptor relay, Set<RelayDescriptor.Key> family) {
        return new RelayDescriptor(relay.identity(), relay.ntorOnionKey(), relay.orAddresses(), relay.bandwidthObserved(),
                relay.bandwidthConfigured(), family, relay.version(), relay.flags(), relay.published());
    }
}
