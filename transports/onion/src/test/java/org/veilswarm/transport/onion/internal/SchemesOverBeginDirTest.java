package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.HeaderVerification;
import org.veilswarm.directory.core.MerkleRelaySampler;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryHttpException;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.HttpDirectoryQueries;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.path.BeginDirDirectory;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * A running relay serves its bound directory scheme's cache over BEGIN_DIR (issue #4: "served by every relay
 * acting as a directory cache over BEGIN_DIR"), through the transport's DS component and real links: a client
 * on a one-hop circuit downloads the majority-signed list and the merkle header and gets verified merkle
 * picks; HSDir requests on the same relay still reach the HSDir store; unbinding the scheme stops the serving.
 */
@ExtendWith(LeakCheck.class)
class SchemesOverBeginDirTest {
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    @Test
    void aBoundSchemesCacheAnswersBeginDirUntilTheSchemeGoes() throws Exception {
        OnionTestNetwork net = new OnionTestNetwork(0);
        closeLater.add(net);
        OnionTransportComponent component = new OnionTransportComponent(TestDirectorySchemes.nodeIdentity(),
                TestDirectorySchemes.config(Map.of("publishDescriptor", false, "eventLoopThreads", 1)));
        closeLater.add(component::deactivate);
        List<Ed25519KeyPair> authorities = List.of(Ed25519.generateKeyPair(), Ed25519.generateKeyPair(),
                Ed25519.generateKeyPair());
        AuthoritySet set = TestDirectorySchemes.authoritySet(authorities);
        PublishedDirectory published = TestDirectorySchemes.signedDirectory(7, authorities);
        List<RelayDescriptor> listed = published.consensus().document().entries().stream().map(ConsensusEntry::relay)
                .toList();
        TestDirectorySchemes.Scheme merkle = TestDirectorySchemes.scheme("merkle", listed, Optional.of(published));
        component.bindScheme(merkle, Map.of("directory.scheme", "merkle"));

        OriginCircuit circuit = net.circuit(component.engine().relay());
        DirectoryHttpClient client = new DirectoryHttpClient(new BeginDirDirectory("relay", net.streams(circuit)),
                Duration.ofSeconds(30), 1 << 20, true);
        RelayDescriptorParser parser = RelayDescriptorParser.withSystemClock();
        ConsensusVerification list = set.verifyConsensus(client.get(DirectoryPaths.CONSENSUS).get(60, TimeUnit.SECONDS)
                .body(), parser, Instant.now());
        assertTrue(list.accepted(), list.detail());
        assertEquals(7, list.consensus().orElseThrow().entries().size());
        HeaderVerification header = set.verify(client.get(DirectoryPaths.MERKLE_HEADER).get(60, TimeUnit.SECONDS)
                .body(), Instant.now());
        assertTrue(header.accepted(), header.outcome().toString());

        // The merkle client's find queries over the same BEGIN_DIR streams: verified picks of listed relays.
        MerkleRelaySampler sampler = new MerkleRelaySampler(set, List.of(new HttpDirectoryQueries(client)),
                new SplittableRandom(4), java.time.Clock.systemUTC(), parser, 8);
        for (int i = 0; i < 3; i++) {
            RelayDescriptor picked = sampler.pick(RelayRole.HSDIR, PathConstraints.none()).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            assertTrue(listed.stream().anyMatch(picked::sameRelay), "a listed relay");
        }
        assertTrue(sampler.badDirectories().isEmpty());
        // One BEGIN_DIR request per relay, one after another: generous, the build machine may be loaded.
        assertEquals(7, sampler.relays(RelayRole.HSDIR, 100).toCompletableFuture().get(120, TimeUnit.SECONDS).size(),
                "the HSDir ring's list, walked over BEGIN_DIR");

        // The same relay's HSDir store still gets /tor/hs/3/ (BeginDirRouter), not the directory cache.
        ExecutionException hsDir = assertThrows(ExecutionException.class,
                () -> client.get("/tor/hs/3/not-a-key").get(60, TimeUnit.SECONDS));
        DirectoryHttpException answered = assertInstanceOf(DirectoryHttpException.class, hsDir.getCause());
        assertEquals(404, answered.status());
        assertTrue(answered.getMessage().contains("not an HSDir path"), answered.getMessage());

        component.unbindScheme(merkle, Map.of("directory.scheme", "merkle"));
        ExecutionException closed = assertThrows(ExecutionException.class,
                () -> client.get(DirectoryPaths.CONSENSUS).get(60, TimeUnit.SECONDS));
        assertInstanceOf(DirectoryHttpException.class, closed.getCause(), "no cache: the stream is closed unanswered");
    }

    @Test
    void theHsDirRingComesFromTheCurrentSchemesVerifiedList() throws Exception {
        OnionTransportComponent component = new OnionTransportComponent(TestDirectorySchemes.nodeIdentity(),
                TestDirectorySchemes.config(Map.of("publishDescriptor", false, "relay", false, "eventLoopThreads", 1)));
        closeLater.add(component::deactivate);
        List<Ed25519KeyPair> authorities = List.of(Ed25519.generateKeyPair());
        List<RelayDescriptor> consensusRelays = TestDirectorySchemes.signedDirectory(4, authorities).consensus()
                .document().entries().stream().map(ConsensusEntry::relay).toList();
        List<RelayDescriptor> merkleRelays = TestDirectorySchemes.signedDirectory(6, authorities).consensus()
                .document().entries().stream().map(ConsensusEntry::relay).toList();
        TestDirectorySchemes.Scheme consensus = TestDirectorySchemes.scheme("consensus", consensusRelays,
                Optional.empty());
        TestDirectorySchemes.Scheme merkle = TestDirectorySchemes.scheme("merkle", merkleRelays, Optional.empty());

        org.veilswarm.transport.onion.service.HsDirList ring = component.engine().relayLists().hsDirs(
                component.engine().directory()::currentScheme, () -> java.util.concurrent.CompletableFuture
                        .failedFuture(new IllegalStateException("sampled fallback")));
        component.bindScheme(consensus, Map.of("directory.scheme", "consensus"));
        assertEquals(4, ring.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS).size());
        component.bindScheme(merkle, Map.of("directory.scheme", "merkle"));
        assertEquals(4, ring.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS).size(),
                "the first bound scheme stays current while no scheme is configured");
        component.unbindScheme(consensus, Map.of("directory.scheme", "consensus"));
        List<RelayDescriptor> now = new ArrayList<>(ring.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(6, now.size(), "after the swap the ring is built from the merkle scheme's list");
        assertTrue(now.stream().allMatch(r -> r.flags().contains(RelayFlag.HSDIR)));
        component.unbindScheme(merkle, Map.of("directory.scheme", "merkle"));
        ExecutionException none = assertThrows(ExecutionException.class,
                () -> ring.hsDirs().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals("sampled fallback", none.getCause().getMessage());
    }
}
