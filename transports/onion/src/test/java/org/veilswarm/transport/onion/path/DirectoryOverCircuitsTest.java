package org.veilswarm.transport.onion.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.FindRequest;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.MerkleDirectory;
import org.veilswarm.directory.core.MerkleRelaySampler;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.RelayMerkleTree;
import org.veilswarm.directory.core.SignedConsensus;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryHttpService;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryResponse;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.HttpDirectoryQueries;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.testing.LeakCheck;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.link.LinkSettings;

/**
 * Relays on 127.0.0.1 acting as directory caches over BEGIN_DIR (issue #4 item 3): directory-http's server as
 * a relay's directory handler, its client over {@code CircuitStreams.openDirectory} through 1-hop and 3-hop
 * circuits; the signed consensus list and merkle answers verify, a lying cache is caught; circuits are built
 * through relays the directory picked (issue #3 item 3).
 */
@ExtendWith(LeakCheck.class)
class DirectoryOverCircuitsTest {
    private static final int RELAYS = 5;
    private static final int HONEST_CACHE = 4;
    private static final int LYING_CACHE = 3;

    private final Random random = new Random(20261122);
    private final Clock clock = Clock.systemUTC();
    private final RelayDescriptorParser parser = new RelayDescriptorParser(clock, RelayDescriptorParser.DEFAULT_MAX_FUTURE_SKEW);
    private OnionTestNetwork net;
    private final List<OnionRelay> relays = new ArrayList<>();
    private final List<RelayDescriptor> descriptors = new ArrayList<>();
    private AuthoritySet authorities;
    private PublishedDirectory published;
    private PathCircuits circuits;

    @BeforeEach
    void startRelaysAndCaches() throws Exception {
        net = new OnionTestNetwork(0);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<ConsensusEntry> entries = new ArrayList<>();
        byte[][] seeds = new byte[RELAYS][32];
        for (int i = 0; i < RELAYS; i++) {
            random.nextBytes(seeds[i]);
            relays.add(OnionRelay.start(Ed25519.keyPairFromSeed(seeds[i]), X25519.generateKeyPair(), net.group(),
                    new InetSocketAddress("127.0.0.1", 0), LinkSettings.defaults(), CircuitSettings.defaults()));
        }
        // Relays 0 and 1 are one operator's: they declare each other as family.
        for (int i = 0; i < RELAYS; i++) {
            OnionRelay relay = relays.get(i);
            Set<RelayDescriptor.Key> family = i < 2 ? Set.of(new RelayDescriptor.Key(relays.get(1 - i).identity()))
                    : Set.of();
            Set<RelayFlag> flags = Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.GUARD, RelayFlag.FAST,
                    RelayFlag.STABLE);
            RelayDescriptor d = new RelayDescriptor(relay.identity(), relay.ntorOnionKey(), List.of(relay.address()),
                    1_000_000 + 100_000L * i, 0, family, "0.1.0", flags, now.minusSeconds(60));
            Ed25519KeyPair key = Ed25519.keyPairFromSeed(seeds[i]);
            SignedRelayDescriptor signed = RelayDescriptorDocument.sign(d, key);
            key.destroy();
            entries.add(ConsensusEntry.of(signed, flags));
        }
        List<Ed25519KeyPair> authorityKeys = List.of(Ed25519.generateKeyPair(), Ed25519.generateKeyPair(),
                Ed25519.generateKeyPair());
        Set<RelayDescriptor.Key> authoritySet = new HashSet<>();
        authorityKeys.forEach(k -> authoritySet.add(new RelayDescriptor.Key(k.publicKey())));
        authorities = new AuthoritySet(authoritySet);
        ConsensusDocument document = new ConsensusDocument(now.minusSeconds(600), now.plusSeconds(3600), entries);
        SignedConsensus consensus = document.withSignatures(authorityKeys.stream().map(document::sign).toList());
        MerkleConsensus trees = MerkleConsensus.of(document);
        List<HeaderSignature> headerSignatures = authorityKeys.stream().map(k -> trees.header().sign(k)).toList();
        published = PublishedDirectory.of(consensus, headerSignatures);
        // The list is in the document's order; tests index relays as started.
        for (OnionRelay relay : relays) {
            descriptors.add(consensus.document().entries().stream().map(ConsensusEntry::relay)
                    .filter(r -> Arrays.equals(r.identity(), relay.identity())).findFirst().orElseThrow());
        }

        DirectoryCacheService honest = new DirectoryCacheService();
        honest.update(published);
        net.services(relays.get(HONEST_CACHE)).directory(new DirectoryServerInitializer(List.of(honest)));
        net.services(relays.get(LYING_CACHE)).directory(new DirectoryServerInitializer(List.of(new LyingCache(published))));

        CircuitBuilder builder = new CircuitBuilder(CircuitSettings.defaults());
        circuits = new PathCircuits(builder, FirstHopLinks.fresh(new Bootstrap().group(net.group())
                .channel(NioSocketChannel.class), LinkSettings.defaults(), builder));
    }

    @AfterEach
    void stop() {
        relays.forEach(OnionRelay::close);
        net.close();
    }

    /** A cache that serves the real list with one byte changed, and every merkle answer for the next relay's range. */
    private static final class LyingCache implements DirectoryHttpService {
        private final PublishedDirectory real;
        private final DirectoryCacheService honest = new DirectoryCacheService();

        LyingCache(PublishedDirectory real) {
            this.real = real;
            honest.update(real);
        }

        @Override
        public Optional<DirectoryResponse> serve(org.veilswarm.directory.http.DirectoryRequest request) {
            try {
                if (request.isGet(DirectoryPaths.CONSENSUS)) {
                    byte[] forged = real.encodedConsensus();
                    forged[forged.length / 2] ^= 1;
                    return Optional.of(DirectoryResponse.ok(forged));
                }
                if (request.isPost(DirectoryPaths.MERKLE_FIND)) {
                    FindRequest find = FindRequest.parse(request.body());
                    MerkleDirectory merkle = real.merkle();
                    RelayMerkleTree tree = merkle.tree(find.role());
                    int next = (tree.ranges().indexOf(find.x()) + 1) % tree.size();
                    return Optional.of(DirectoryResponse.ok(
                            merkle.find(find.consensusId(), find.role(), tree.ranges().start(next)).encode()));
                }
            } catch (DirectoryException e) {
                return Optional.of(DirectoryResponse.error(500, e.getMessage()));
            }
            return honest.serve(request);
        }
    }

    private OriginCircuit circuit(int... path) throws Exception {
        List<RelayDescriptor> chosen = Arrays.stream(path).mapToObj(descriptors::get).toList();
        return circuits.build(chosen).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private DirectoryHttpClient client(String name, OriginCircuit circuit) {
        return new DirectoryHttpClient(new BeginDirDirectory(name, net.streams(circuit)), Duration.ofSeconds(15),
                1 << 20, true);
    }

    @Test
    void theConsensusListFetchedOverBeginDirVerifiesThroughOneAndThreeHops() throws Exception {
        for (OriginCircuit circuit : List.of(circuit(HONEST_CACHE), circuit(0, 2, HONEST_CACHE))) {
            DirectoryHttpClient.Response response = client("cache", circuit).get(DirectoryPaths.CONSENSUS)
                    .get(20, TimeUnit.SECONDS);
            ConsensusVerification verified = authorities.verifyConsensus(response.body(), parser, clock.instant());
            assertTrue(verified.accepted(), verified.detail());
            assertEquals(RELAYS, verified.consensus().orElseThrow().entries().size());
            assertTrue(response.transferred() < response.body().length, "gzip over the stream: "
                    + response.transferred() + " of " + response.body().length);
        }
    }

    @Test
    void aLyingCacheIsCaughtOnTheListAndOnMerkleAnswers() throws Exception {
        OriginCircuit toLiar = circuit(0, 2, LYING_CACHE);
        byte[] forged = client("liar", toLiar).get(DirectoryPaths.CONSENSUS).get(20, TimeUnit.SECONDS).body();
        assertFalse(authorities.verifyConsensus(forged, parser, clock.instant()).accepted(),
                "a list changed by one byte must not verify");

        MerkleRelaySampler onlyLiar = new MerkleRelaySampler(authorities,
                List.of(new HttpDirectoryQueries(client("liar", toLiar))), new SplittableRandom(1), clock, parser, 4);
        ExecutionException e = assertThrows(ExecutionException.class, () -> onlyLiar
                .pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertInstanceOf(DirectoryException.class, e.getCause());
        assertEquals(Set.of("liar"), onlyLiar.badDirectories());

        OriginCircuit toHonest = circuit(HONEST_CACHE);
        MerkleRelaySampler both = new MerkleRelaySampler(authorities, List.of(new HttpDirectoryQueries(client("liar",
                toLiar)), new HttpDirectoryQueries(client("cache", toHonest))), new SplittableRandom(2), clock, parser, 8);
        for (int i = 0; i < 6; i++) {
            RelayDescriptor picked = both.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertTrue(descriptors.contains(picked), "a verified pick is one of the consensus relays");
        }
        assertFalse(both.badDirectories().contains("cache"), "the honest cache is never marked bad");
    }

    /** The whole loop: merkle picks fetched over BEGIN_DIR, a path selected from them, a circuit built through it. */
    @Test
    void aCircuitIsBuiltThroughRelaysPickedOverBeginDirWithoutFamilyOrRepeats() throws Exception {
        OriginCircuit toCache = circuit(HONEST_CACHE);
        MerkleRelaySampler sampler = new MerkleRelaySampler(authorities,
                List.of(new HttpDirectoryQueries(client("cache", toCache))), new SplittableRandom(3), clock, parser, 32);
        PathSelector selector = new PathSelector(sampler, new PathRules(PathRules.standard(3, null).roles(), true,
                Set.of(), 32));
        int[] before = relays.stream().mapToInt(OnionRelay::circuitCount).toArray();
        List<RelayDescriptor> path = selector.select().toCompletableFuture().get(30, TimeUnit.SECONDS);
        OriginCircuit circuit = circuits.build(path).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(3, circuit.hops());
        assertEquals(3, new HashSet<>(path.stream().map(RelayDescriptor::identityKey).toList()).size());
        assertFalse(path.stream().anyMatch(r -> r.sameRelay(descriptors.get(0)))
                && path.stream().anyMatch(r -> r.sameRelay(descriptors.get(1))), "relays 0 and 1 are one family");
        for (int i = 0; i < RELAYS; i++) {
            boolean onPath = path.contains(descriptors.get(i));
            int index = i;
            OnionTestNetwork.await(() -> relays.get(index).circuitCount() - before[index] == (onPath ? 1 : 0),
                    "relay " + i + (onPath ? " carries" : " does not carry") + " the new circuit");
        }
        // The new circuit reaches a directory too: the last relay of the path answers BEGIN_DIR only if it is a cache.
        assertTrue(circuit.isOpen());
    }

    @Test
    void pathsFromTheFullListNeverHoldBothFamilyMembersAndBuildOnTheNetwork() throws Exception {
        FullListRelaySampler sampler = new FullListRelaySampler(descriptors, new SplittableRandom(4), 64);
        PathSelector selector = new PathSelector(sampler, new PathRules(PathRules.standard(3, null).roles(), true,
                Set.of(), 32));
        for (int i = 0; i < 4; i++) {
            List<RelayDescriptor> path = selector.select().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertFalse(path.contains(descriptors.get(0)) && path.contains(descriptors.get(1)));
            assertEquals(3, circuits.build(path).toCompletableFuture().get(20, TimeUnit.SECONDS).hops());
        }
    }

    @Test
    void aPathThroughADeadRelayFailsCleanly() throws Exception {
        relays.get(2).close();
        List<RelayDescriptor> path = List.of(descriptors.get(0), descriptors.get(2), descriptors.get(HONEST_CACHE));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> circuits.build(path).toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof org.veilswarm.transport.onion.circuit.CircuitClosedException
                || e.getCause() instanceof org.veilswarm.transport.onion.link.LinkHandshakeException, String.valueOf(e.getCause()));
    }
}
