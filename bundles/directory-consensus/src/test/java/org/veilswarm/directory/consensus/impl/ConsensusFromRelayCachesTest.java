package org.veilswarm.directory.consensus.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.authority.impl.RelayCacheNetwork;
import org.veilswarm.directory.authority.impl.RelayCacheNetwork.Cache;
import org.veilswarm.directory.core.SourceLog;
import org.veilswarm.directory.core.VerifiedConsensus;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryResponse;
import org.veilswarm.directory.http.RelayCacheConnector;

/**
 * The {@code consensus} scheme's client fetches from relay caches over BEGIN_DIR (issue #4: the list "served by
 * every relay acting as a directory cache ... and downloaded by clients"), on a real in-JVM network: an
 * authority component voting every 3 s (one, so that a loaded build machine cannot make a vote exchange miss
 * its 1 s phase), four onion relays that uploaded their descriptors, were listed after a
 * link handshake and mirror the directory, and the onion transport's one-hop directory streams on the client. The
 * client bootstraps once from an authority over TCP; with every authority stopped it still gets the next list,
 * from a cache; caches that lie are caught and marked, and the list comes from an honest one.
 */
class ConsensusFromRelayCachesTest {
    @AutoClose // deactivates the scheme first
    private RelayCacheNetwork net;
    private final RelayCacheNetwork.MovableClock clock = new RelayCacheNetwork.MovableClock();
    private ConsensusDirectoryScheme scheme;

    /** One authority and four relay caches, and the scheme on them. */
    private void start(Path dir, int cacheAttempts) throws Exception {
        net = new RelayCacheNetwork(dir, 1, 4);
        scheme = net.startScheme(ConsensusDirectoryScheme.Config.class, cacheAttempts,
                c -> new ConsensusDirectoryScheme(c, clock), ConsensusDirectoryScheme::bindDirectoryStreams,
                ConsensusDirectoryScheme::deactivate);
    }

    /** Bootstraps from an authority, waits until every cache holds a later list, stops every authority. */
    private VerifiedConsensus bootstrapThenStopAuthorities() throws Exception {
        VerifiedConsensus first = scheme.client().consensus().toCompletableFuture().get(30, TimeUnit.SECONDS);
        SourceLog sources = scheme.client().sources();
        assertEquals(1, sources.bootstrapAnswers(), "the first list comes from an authority");
        assertEquals(0, sources.cacheAnswers());
        assertEquals(0, net.caches().stream().mapToLong(Cache::requests).sum(), "no cache asked for the first list");
        net.awaitCaches(d -> d.consensus().document().validAfter().isAfter(first.document().validAfter()),
                "every cache holds a list newer than the client's");
        net.stopAuthorities();
        return first;
    }

    @Test
    void afterBootstrappingFromAnAuthorityTheNextListComesFromARelayCacheOverBeginDir(@TempDir Path dir)
            throws Exception {
        start(dir, 3);
        VerifiedConsensus first = bootstrapThenStopAuthorities();
        long bootstrapBytes = scheme.client().sources().bootstrapBytes();

        // The client's list expires: the next one can only come from a cache, the authorities are gone.
        clock.moveTo(net.afterExpiryOf(first.document().validUntil()));
        assertFalse(scheme.status().ready(), "the bootstrapped list has expired");
        VerifiedConsensus second = scheme.client().consensus().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertTrue(second.document().validAfter().isAfter(first.document().validAfter()), "a newer list");
        assertEquals(4, second.entries().size());
        RelayDescriptor guard = scheme.sampler().pick(RelayRole.GUARD, PathConstraints.none()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertTrue(net.caches().stream().anyMatch(c -> c.descriptor().sameRelay(guard)), "a listed relay");

        SourceLog sources = scheme.client().sources();
        assertEquals(1, sources.cacheAnswers(), "the second list came from a cache");
        assertEquals(1, sources.bootstrapAnswers(), "only the first came from an authority");
        assertEquals(bootstrapBytes, sources.bootstrapBytes());
        long served = net.caches().stream().mapToLong(Cache::requests).sum();
        long servedBytes = net.caches().stream().mapToLong(Cache::bytes).sum();
        assertEquals(1, served, "one cache served one list over BEGIN_DIR");
        assertEquals(servedBytes, sources.cacheBytes(), "the bytes the cache sent are the bytes the client counted");
        assertTrue(net.clientStreams().streamsOpened() >= 1);
        assertTrue(net.clientStreams().circuitsBuilt() >= 1, "over a one-hop circuit");
        Cache source = net.caches().stream().filter(c -> c.requests() == 1).findFirst().orElseThrow();
        assertEquals("relay " + RelayCacheConnector.nameOf(source.descriptor()), sources.lastSource());

        DirectoryStatus status = scheme.status();
        assertTrue(status.ready(), status.detail());
        assertTrue(status.detail().contains("directory streams bound, 4 relay caches known"), status.detail());
        assertTrue(status.detail().contains("from relay caches: 1 (" + servedBytes + " B)"), status.detail());
        assertTrue(status.detail().contains("from bootstrap directories: 1 (" + bootstrapBytes + " B)"),
                status.detail());
        System.out.printf("consensus, 4 relays: bootstrap list from an authority %d B, next list from %s %d B%n",
                bootstrapBytes, source, servedBytes);
    }

    @Test
    void lyingCachesAreMarkedBadAStaleOneIsSkippedAndTheListComesFromTheHonestCache(@TempDir Path dir)
            throws Exception {
        start(dir, 4); // every cache may be asked: the only honest one is always reached
        VerifiedConsensus first = bootstrapThenStopAuthorities();

        List<Cache> caches = net.caches();
        Cache honest = caches.get(0);
        Cache forger = caches.get(1);
        Cache truncator = caches.get(2);
        Cache stale = caches.get(3);
        // A flipped byte in the signature block: no authority signature verifies (NO_MAJORITY).
        forger.lie(request -> listRequest(request).map(r -> {
            byte[] list = forger.current().orElseThrow().encodedConsensus();
            list[list.length - 1] ^= 1;
            return DirectoryResponse.ok(list);
        }));
        truncator.lie(request -> listRequest(request).map(r -> {
            byte[] list = truncator.current().orElseThrow().encodedConsensus();
            return DirectoryResponse.ok(java.util.Arrays.copyOf(list, list.length / 2));
        }));
        // The oldest list it held: expired at the client's time (a cache behind), skipped but not blamed.
        stale.lie(request -> listRequest(request).map(r -> DirectoryResponse.ok(stale.held().get(0)
                .encodedConsensus())));

        clock.moveTo(net.afterExpiryOf(first.document().validUntil()));
        VerifiedConsensus second = scheme.client().consensus().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(honest.current().orElseThrow().consensus().document(), second.document(),
                "the list in use is the honest cache's");
        assertEquals(1, honest.requests());

        Set<String> bad = scheme.client().badDirectories();
        for (Cache liar : List.of(forger, truncator)) {
            assertEquals(liar.requests() > 0, bad.contains(RelayCacheConnector.nameOf(liar.descriptor())),
                    liar + " asked " + liar.requests() + " times, marked: " + bad);
        }
        assertFalse(bad.contains(RelayCacheConnector.nameOf(honest.descriptor())), "the honest cache is never marked");
        assertFalse(bad.contains(RelayCacheConnector.nameOf(stale.descriptor())), "a stale list is no lie");
        SourceLog sources = scheme.client().sources();
        assertEquals(forger.requests() + truncator.requests(), sources.lies());
        assertEquals(1, sources.cacheAnswers());
        assertEquals(1, sources.bootstrapAnswers());
        assertTrue(scheme.status().detail().contains(bad.size() + " directories marked bad"), scheme.status().detail());
    }

    private static Optional<Object> listRequest(org.veilswarm.directory.http.DirectoryRequest request) {
        return request.isGet(DirectoryPaths.CONSENSUS) ? Optional.of(request) : Optional.empty();
    }
}
