package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.HeaderVerification;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.directory.http.Quorum;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Three authorities on 127.0.0.1 speaking the directory HTTP protocol: relays upload, authorities probe,
 * vote, exchange votes and signatures, and publish a consensus a client accepts; with one authority down the
 * other two still make a majority, with two down nothing is published.
 */
class AuthorityNetworkTest {
    /** Long enough for probes, votes and signatures on a loaded 2-core machine. */
    private static final Duration PHASE = Duration.ofMillis(1000);
    private static final FlagPolicy QUICK = new FlagPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, 1,
            1L << 30, Set.of(), Duration.ofHours(1));
    private static final RelayDescriptorParser PARSER = RelayDescriptorParser.withSystemClock();

    private EventLoopGroup group;
    private ScheduledExecutorService scheduler;
    private final List<Ed25519KeyPair> keys = List.of(Relays.key(100), Relays.key(101), Relays.key(102));
    private AuthoritySet set;
    private final List<DirectoryAuthority> authorities = new ArrayList<>();
    private final List<Channel> servers = new ArrayList<>();
    private final List<ServerSocket> relayPorts = new ArrayList<>();
    private final List<SignedRelayDescriptor> reachable = new ArrayList<>();
    private final List<SignedRelayDescriptor> unreachable = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = new NioEventLoopGroup(2);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        Set<RelayDescriptor.Key> authorityKeys = new HashSet<>();
        keys.forEach(k -> authorityKeys.add(new RelayDescriptor.Key(k.publicKey())));
        set = new AuthoritySet(authorityKeys);
        for (Ed25519KeyPair key : keys) {
            DirectoryAuthority a = new DirectoryAuthority(key, set, QUICK, PARSER,
                    new TcpConnectProbe(group, Duration.ofSeconds(2)), Clock.systemUTC());
            authorities.add(a);
            servers.add(new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new DirectoryServerInitializer(List.of(new AuthorityHttpService(a))))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel());
        }
        Instant published = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        for (int i = 0; i < 6; i++) {
            ServerSocket port = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            SignedRelayDescriptor d = Relays.relay(Relays.key(i), port.getLocalPort(), 1_000_000 * (i + 1),
                    EnumSet.of(RelayFlag.GUARD, RelayFlag.HSDIR), "0.1.0", published);
            if (i < 4) {
                relayPorts.add(port);
                reachable.add(d);
            } else {
                port.close(); // nobody listens there any more
                unreachable.add(d);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Channel s : servers) {
            s.close().sync();
        }
        for (ServerSocket s : relayPorts) {
            s.close();
        }
        scheduler.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private List<DirectoryHttpClient> clientsFor(List<Channel> targets) {
        List<DirectoryHttpClient> clients = new ArrayList<>();
        for (Channel s : targets) {
            clients.add(new DirectoryHttpClient(new TcpDirectoryConnector(group, (InetSocketAddress) s.localAddress()),
                    Duration.ofSeconds(5), 1 << 20, true));
        }
        return clients;
    }

    private void uploadAll() throws Exception {
        List<DirectoryHttpClient> all = clientsFor(servers);
        for (SignedRelayDescriptor d : reachable) {
            Quorum.post(all, DirectoryPaths.DESCRIPTOR, d.document(), set.required()).get(10, TimeUnit.SECONDS);
        }
        for (SignedRelayDescriptor d : unreachable) {
            Quorum.post(all, DirectoryPaths.DESCRIPTOR, d.document(), set.required()).get(10, TimeUnit.SECONDS);
        }
    }

    private List<CompletableFuture<Optional<PublishedDirectory>>> runRound(List<Integer> running, Instant after) {
        List<CompletableFuture<Optional<PublishedDirectory>>> rounds = new ArrayList<>();
        for (int i : running) {
            List<Channel> peers = new ArrayList<>(servers);
            peers.remove(i);
            rounds.add(new VotingRound(authorities.get(i), clientsFor(peers), scheduler)
                    .run(after, after.plusSeconds(3600), PHASE));
        }
        return rounds;
    }

    @Test
    void threeAuthoritiesPublishOneConsensusOfTheReachableRelays() throws Exception {
        uploadAll();
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<PublishedDirectory> published = new ArrayList<>();
        for (CompletableFuture<Optional<PublishedDirectory>> r : runRound(List.of(0, 1, 2), after)) {
            published.add(r.get(20, TimeUnit.SECONDS).orElseThrow());
        }
        byte[] digest = published.get(0).consensus().document().digest();
        for (PublishedDirectory p : published) {
            assertArrayEquals(digest, p.consensus().document().digest(), "every authority signed the same list");
            // Three when every exchange made it within its phase; a majority in any case.
            assertTrue(p.consensus().signatures().size() >= set.required(), p.consensus().signatures().size()
                    + " signatures");
        }
        // What a client downloads from any authority verifies with the configured set.
        DirectoryHttpClient client = clientsFor(List.of(servers.get(2))).get(0);
        byte[] list = client.get(DirectoryPaths.CONSENSUS).get(5, TimeUnit.SECONDS).body();
        ConsensusVerification v = set.verifyConsensus(list, PARSER, Instant.now());
        assertTrue(v.accepted(), v.detail());
        List<SignedRelayDescriptor> listed = v.consensus().orElseThrow().entries().stream().map(e -> e.signed())
                .toList();
        assertEquals(Set.copyOf(reachable), Set.copyOf(listed), "exactly the reachable relays are listed");
        v.consensus().orElseThrow().entries().forEach(e -> assertEquals(EnumSet.allOf(RelayFlag.class), e.flags()));

        byte[] header = client.get(DirectoryPaths.MERKLE_HEADER).get(5, TimeUnit.SECONDS).body();
        HeaderVerification h = set.verify(header, Instant.now());
        assertTrue(h.accepted(), h.detail());
        assertArrayEquals(MerkleConsensus.of(v.consensus().orElseThrow().document()).header().consensusId(),
                h.header().orElseThrow().consensusId(), "the merkle header commits to the same relays");
    }

    @Test
    void twoOfThreeAreAMajorityAndOneIsNot() throws Exception {
        uploadAll();
        servers.get(2).close().sync();
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (CompletableFuture<Optional<PublishedDirectory>> r : runRound(List.of(0, 1), after)) {
            PublishedDirectory p = r.get(20, TimeUnit.SECONDS).orElseThrow();
            assertEquals(2, p.consensus().signatures().size());
            assertTrue(set.verify(p.consensus(), Instant.now()).accepted());
        }
        servers.get(1).close().sync();
        Instant next = after.plusSeconds(1);
        Optional<PublishedDirectory> alone = runRound(List.of(0), next).get(0).get(20, TimeUnit.SECONDS);
        assertFalse(alone.isPresent(), "one vote of three makes no consensus");
        assertThrows(DirectoryException.class, () -> authorities.get(0).computeConsensus(next));
    }

    @Test
    void badUploadsAreRefusedWithTheirReason() throws Exception {
        byte[] forged = reachable.get(0).document();
        forged[forged.length - 10] ^= 1;
        ExecutionException e = assertThrows(ExecutionException.class, () -> Quorum.post(clientsFor(servers),
                DirectoryPaths.DESCRIPTOR, forged, 2).get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("400"), e.getCause().getMessage());
        uploadAll();
        // The same descriptor again is fine; an older one is refused as stale.
        Quorum.post(clientsFor(servers), DirectoryPaths.DESCRIPTOR, reachable.get(0).document(), 3)
                .get(10, TimeUnit.SECONDS);
        SignedRelayDescriptor older = Relays.relay(Relays.key(0), 1, 1, Set.of(), "0.1.0",
                reachable.get(0).descriptor().published().minusSeconds(1));
        assertEquals(DirectoryAuthority.Upload.STALE, authorities.get(0).accept(older.document()));
    }

    @Test
    void signaturesForAnotherConsensusOrByStrangersAreNotCounted() throws Exception {
        uploadAll();
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        DirectoryAuthority a = authorities.get(0);
        DirectoryAuthority b = authorities.get(1);
        a.checkReachability().toCompletableFuture().get();
        b.checkReachability().toCompletableFuture().get();
        byte[] voteA = a.vote(after, after.plusSeconds(3600)).encode();
        byte[] voteB = b.vote(after, after.plusSeconds(3600)).encode();
        a.addVote(voteB);
        b.addVote(voteA);
        a.computeConsensus(after);
        b.computeConsensus(after);
        DetachedSignatures fromB = b.ownSignatures(after).orElseThrow();
        // A stranger re-labels B's signature as its own / signs with its own key: refused.
        Ed25519KeyPair stranger = Relays.key(555);
        DetachedSignatures strangers = new DetachedSignatures(fromB.consensusDigest(), fromB.merkleConsensusId(),
                new org.veilswarm.directory.core.HeaderSignature(new RelayDescriptor.Key(stranger.publicKey()),
                        fromB.list().signature()),
                new org.veilswarm.directory.core.HeaderSignature(new RelayDescriptor.Key(stranger.publicKey()),
                        fromB.header().signature()));
        assertFalse(a.addSignatures(after, strangers));
        // B's list signature swapped into the header slot: does not verify.
        DetachedSignatures swapped = new DetachedSignatures(fromB.consensusDigest(), fromB.merkleConsensusId(),
                fromB.header(), fromB.list());
        assertFalse(a.addSignatures(after, swapped));
        assertEquals(1, a.signatureCount(after));
        assertTrue(a.publish(after).isEmpty(), "one signature of three");
        assertTrue(a.addSignatures(after, DetachedSignatures.decode(fromB.encode())));
        assertTrue(a.publish(after).isPresent());
    }
}
