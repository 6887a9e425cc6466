package org.veilswarm.directory.merkle.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.authority.impl.RelayCacheNetwork;
import org.veilswarm.directory.authority.impl.RelayCacheNetwork.Cache;
import org.veilswarm.directory.core.FindRequest;
import org.veilswarm.directory.core.MerkleAnswer;
import org.veilswarm.directory.core.MerkleDirectory;
import org.veilswarm.directory.core.SourceLog;
import org.veilswarm.directory.core.VerifiedHeader;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryRequest;
import org.veilswarm.directory.http.DirectoryResponse;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.directory.http.RelayCacheConnector;

/**
 * The {@code merkle} scheme's client asks relay caches over BEGIN_DIR (issue #4), on a real in-JVM network: an
 * authority component voting every 3 s (one, so that a loaded build machine cannot make a vote exchange miss
 * its 1 s phase), four onion relays listed after a link handshake that mirror the directory,
 * and the onion transport's one-hop directory streams on the client. The client takes the header and its first
 * answer from an authority over TCP, learns caches from the relays verified answers prove, and with every authority
 * stopped still gets the next header and verified {@code find} answers from caches. Caches answering with the wrong
 * relay, a forged sibling hash or an answer for a stale consensus are caught, marked bad, and another is asked.
 */
class MerkleFromRelayCachesTest {
    @AutoClose // deactivates the scheme first
    private RelayCacheNetwork net;
    private final RelayCacheNetwork.MovableClock clock = new RelayCacheNetwork.MovableClock();
    private MerkleDirectoryScheme scheme;

    /** One authority and four relay caches, and the scheme on them. */
    private void start(Path dir, int cacheAttempts) throws Exception {
        net = new RelayCacheNetwork(dir, 1, 4);
        scheme = net.startScheme(MerkleDirectoryScheme.Config.class, cacheAttempts,
                c -> new MerkleDirectoryScheme(c, clock), MerkleDirectoryScheme::bindDirectoryStreams,
                MerkleDirectoryScheme::deactivate);
    }

    private RelayDescriptor pick() throws Exception {
        return scheme.sampler().pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    /**
     * The header and the first answer from an authority; then picks (answered by the caches learned so far) until
     * every relay is a known cache; waits until the caches hold a later directory; stops every authority.
     */
    private VerifiedHeader bootstrapThenStopAuthorities() throws Exception {
        scheme.merkleSampler().header().toCompletableFuture().get(30, TimeUnit.SECONDS);
        pick();
        SourceLog sources = scheme.merkleSampler().sources();
        // The header and the first answer (a 3 s period may end in between: then from a later header).
        assertTrue(sources.bootstrapAnswers() >= 2, "header and first answer from an authority");
        assertEquals(0, sources.cacheAnswers(), "no cache known before the first verified answer");
        RelayCacheNetwork.await(() -> {
            try {
                pick();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return scheme.knownCaches() == 4;
        }, "every relay became a known cache (" + scheme.knownCaches() + " known)", Duration.ofSeconds(60),
                Duration.ofMillis(1));
        assertTrue(sources.cacheAnswers() > 0, "once caches are known, answers come from them over BEGIN_DIR");
        VerifiedHeader held = scheme.merkleSampler().header().toCompletableFuture().get(30, TimeUnit.SECONDS);
        net.awaitCaches(d -> d.consensus().document().validAfter().isAfter(held.header().validAfter()),
                "every cache holds a directory newer than the client's header");
        net.stopAuthorities();
        return held;
    }

    @Test
    void afterBootstrappingFromAnAuthorityHeadersAndFindAnswersComeFromRelayCachesOverBeginDir(@TempDir Path dir)
            throws Exception {
        start(dir, 3);
        VerifiedHeader first = bootstrapThenStopAuthorities();
        SourceLog sources = scheme.merkleSampler().sources();
        long bootstrapBytes = sources.bootstrapBytes();
        long cacheAnswersBefore = sources.cacheAnswers();
        long bootstrapAnswers = sources.bootstrapAnswers();
        long cacheRequestsBefore = net.caches().stream().mapToLong(Cache::requests).sum();
        long headerRequestsBefore = net.caches().stream().mapToLong(Cache::headerRequests).sum();

        clock.moveTo(net.afterExpiryOf(first.header().validUntil()));
        assertFalse(first.isValidAt(clock.instant()), "the client's header has expired");
        for (int i = 0; i < 5; i++) {
            RelayDescriptor relay = pick();
            assertTrue(net.caches().stream().anyMatch(c -> c.descriptor().sameRelay(relay)), "a listed relay");
        }
        VerifiedHeader second = scheme.merkleSampler().header().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(Arrays.equals(first.consensusId(), second.consensusId()), "the next period's header");
        assertTrue(Arrays.equals(net.newest().merkle().header().header().consensusId(), second.consensusId()));
        List<RelayDescriptor> hsDirs = scheme.relaysWith(RelayFlag.HSDIR).toCompletableFuture().get(60,
                TimeUnit.SECONDS);
        assertEquals(4, hsDirs.size(), "the HSDir walk, every step proven, from caches");

        assertEquals(bootstrapAnswers, sources.bootstrapAnswers(), "nothing more from the (stopped) authorities");
        assertEquals(bootstrapBytes, sources.bootstrapBytes());
        long fromCaches = sources.cacheAnswers() - cacheAnswersBefore;
        // The next header, and again every quarter interval once it is due: the stopped authorities sign no newer.
        long headers = net.caches().stream().mapToLong(Cache::headerRequests).sum() - headerRequestsBefore;
        assertTrue(headers >= 1, "the next period's header came from a cache");
        assertEquals(headers + 5 + 4, fromCaches, "the headers, five finds and the four-step walk");
        assertEquals(fromCaches, net.caches().stream().mapToLong(Cache::requests).sum() - cacheRequestsBefore,
                "what the caches served over BEGIN_DIR is what the client verified");
        assertEquals(0, sources.lies());
        assertTrue(scheme.merkleSampler().badDirectories().isEmpty());

        DirectoryStatus status = scheme.status();
        assertTrue(status.ready(), status.detail());
        assertTrue(status.detail().contains("directory streams bound, 4 relay caches known"), status.detail());
        assertTrue(status.detail().contains("from bootstrap directories: " + bootstrapAnswers + " (" + bootstrapBytes
                + " B)"), status.detail());
        System.out.printf("merkle, 4 relays: from authorities %d answers %d B; from caches %d answers %d B%n",
                sources.bootstrapAnswers(), bootstrapBytes, sources.cacheAnswers(), sources.cacheBytes());
    }

    @Test
    void cachesAnsweringWithTheWrongRelayAForgedSiblingOrAStaleConsensusAreMarkedBad(@TempDir Path dir)
            throws Exception {
        start(dir, 4); // every cache may be asked for one x: the honest one is always reached
        VerifiedHeader first = bootstrapThenStopAuthorities();
        long cacheAnswersBefore = scheme.merkleSampler().sources().cacheAnswers();
        long bootstrapAnswers = scheme.merkleSampler().sources().bootstrapAnswers();
        long headerRequestsBefore = net.caches().stream().mapToLong(Cache::headerRequests).sum();

        List<Cache> caches = net.caches();
        Cache honest = caches.get(0);
        Cache wrongRelay = caches.get(1);
        Cache forgedSibling = caches.get(2);
        Cache stale = caches.get(3);
        // The answer for another x: a real leaf under the signed root, but not the relay x selects.
        wrongRelay.lie(request -> find(request).map(f -> answer(wrongRelay.current().orElseThrow(), f, other -> {
            MerkleAnswer right = other.find(f.consensusId(), f.role(), f.x());
            long sum = other.tree(f.role()).bandwidthSum();
            return other.find(f.consensusId(), f.role(), right.rangeEnd() < sum ? right.rangeEnd() : 0).encode();
        })));
        // The honest answer with one bit of the topmost sibling hash flipped.
        forgedSibling.lie(request -> find(request).map(f -> answer(forgedSibling.current().orElseThrow(), f, d -> {
            byte[] bytes = d.find(f.consensusId(), f.role(), f.x()).encode();
            bytes[bytes.length - 1] ^= 1;
            return bytes;
        })));
        // A proven answer from an earlier directory it held (one listing relays): another, stale, consensus id.
        stale.lie(request -> find(request).map(f -> {
            MerkleDirectory old = stale.held().stream().map(PublishedDirectory::merkle)
                    .filter(d -> !Arrays.equals(d.header().header().consensusId(), f.consensusId())
                            && d.tree(f.role()).bandwidthSum() > 0)
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no earlier directory held"));
            long x = Math.min(f.x(), old.tree(f.role()).bandwidthSum() - 1);
            try {
                return DirectoryResponse.ok(old.find(old.header().header().consensusId(), f.role(), x).encode());
            } catch (DirectoryException e) {
                throw new AssertionError(e);
            }
        }));

        clock.moveTo(net.afterExpiryOf(first.header().validUntil()));
        PublishedDirectory signed = net.newest();
        for (int i = 0; i < 12; i++) {
            RelayDescriptor relay = pick();
            assertTrue(signed.merkle().tree(RelayRole.MIDDLE).bandwidthSum() > 0);
            assertTrue(signed.consensus().document().entries().stream().anyMatch(e -> e.relay().sameRelay(relay)),
                    "every pick is a relay of the signed tree");
        }

        Set<String> bad = scheme.merkleSampler().badDirectories();
        long liesTold = 0;
        for (Cache liar : List.of(wrongRelay, forgedSibling, stale)) {
            assertTrue(liar.liesTold() <= 1, liar + " is asked no more once caught: " + liar.liesTold());
            assertEquals(liar.liesTold() > 0, bad.contains(RelayCacheConnector.nameOf(liar.descriptor())),
                    liar + " lied " + liar.liesTold() + " times; marked: " + bad);
            liesTold += liar.liesTold();
        }
        assertTrue(liesTold > 0, "with 3 liars of 4 caches, 12 picks reached a liar (chance of not: 4^-12)");
        assertFalse(bad.contains(RelayCacheConnector.nameOf(honest.descriptor())), "the honest cache is never marked");
        SourceLog sources = scheme.merkleSampler().sources();
        assertEquals(liesTold, sources.lies(), "every lie was caught");
        assertEquals(bootstrapAnswers, sources.bootstrapAnswers(), "nothing from the (stopped) authorities");
        long headers = net.caches().stream().mapToLong(Cache::headerRequests).sum() - headerRequestsBefore;
        assertTrue(headers >= 1, "the next period's header came from a cache");
        assertEquals(headers + 12, sources.cacheAnswers() - cacheAnswersBefore, "the headers and 12 verified answers");
    }

    private static Optional<FindRequest> find(DirectoryRequest request) {
        if (!request.isPost(DirectoryPaths.MERKLE_FIND)) {
            return Optional.empty();
        }
        try {
            return Optional.of(FindRequest.parse(request.body()));
        } catch (DirectoryException e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface Lie {
        byte[] answer(MerkleDirectory directory) throws DirectoryException;
    }

    private static DirectoryResponse answer(PublishedDirectory directory, FindRequest f, Lie lie) {
        try {
            return DirectoryResponse.ok(lie.answer(directory.merkle()));
        } catch (DirectoryException e) {
            throw new AssertionError(e);
        }
    }

}
