package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.X25519;
import org.veilswarm.directory.core.FullListRelaySampler;

/** Listing HSDirs through a sampler that can only pick: every HSDir-flagged relay, and nothing else. */
class SampledHsDirListTest {
    private static RelayDescriptor relay(int port, boolean hsDir) {
        Set<RelayFlag> flags = new HashSet<>(Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.GUARD, RelayFlag.FAST,
                RelayFlag.STABLE));
        if (hsDir) {
            flags.add(RelayFlag.HSDIR);
        }
        return new RelayDescriptor(Ed25519.generateKeyPair().publicKey(), X25519.generateKeyPair().publicKey(),
                List.of(new InetSocketAddress("127.0.0.1", port)), 1_000_000, 0, Set.of(), "0.1.0", flags,
                Instant.now());
    }

    @Test
    void everyHsDirOfASmallListIsFoundAndTheListIsKept() throws Exception {
        List<RelayDescriptor> relays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            relays.add(relay(9000 + i, i % 3 != 0));
        }
        SampledHsDirList list = new SampledHsDirList(new FullListRelaySampler(relays, new SplittableRandom(5), 256), 64,
                Duration.ofMinutes(10), Clock.systemUTC());
        Collection<RelayDescriptor> found = list.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(Set.copyOf(relays.stream().filter(r -> r.flags().contains(RelayFlag.HSDIR)).toList()),
                Set.copyOf(found));
        assertSame(found, list.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS), "kept for its lifetime");
    }

    @Test
    void aListWithoutHsDirsFails() {
        SampledHsDirList list = new SampledHsDirList(new FullListRelaySampler(List.of(relay(9100, false)),
                new SplittableRandom(6), 16), 64, Duration.ofMinutes(10), Clock.systemUTC());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> list.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(IllegalStateException.class, e.getCause().getClass());
    }
}
