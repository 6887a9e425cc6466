package org.veilswarm.directory.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.FindRequest;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleAnswer;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.MerkleDirectory;
import org.veilswarm.directory.core.MerkleRelaySampler;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.RelayMerkleTree;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryHttpService;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryResponse;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.HttpDirectoryQueries;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The merkle client over the directory HTTP protocol against two directories on 127.0.0.1, one honest and
 * one lying in a given way: the wrong relay, a forged sibling hash, a wrong range, a stale consensus id, an
 * expired or minority-signed header. Every pick is verified, the liar is marked bad whenever it was asked,
 * and the honest one never is.
 */
class MerkleOverHttpTest {
    private static final RelayDescriptorParser PARSER = RelayDescriptorParser.withSystemClock();
    private static final Instant AFTER = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    private static final List<Ed25519KeyPair> AUTHORITY_KEYS = List.of(key(100), key(101), key(102));
    private static AuthoritySet authorities;
    private static EventLoopGroup group;
    private static final List<Channel> servers = new ArrayList<>();
    private static PublishedDirectory current;
    private static PublishedDirectory previous;
    private static Set<RelayDescriptor.Key> listed;

    static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xe0000000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    private static PublishedDirectory publish(Instant after, List<ConsensusEntry> entries, int... signers) {
        ConsensusDocument d = new ConsensusDocument(after, after.plusSeconds(3600), entries);
        MerkleConsensus trees = MerkleConsensus.of(d);
        List<HeaderSignature> list = new ArrayList<>();
        List<HeaderSignature> header = new ArrayList<>();
        for (int a : signers) {
            list.add(d.sign(AUTHORITY_KEYS.get(a)));
            header.add(trees.header().sign(AUTHORITY_KEYS.get(a)));
        }
        return PublishedDirectory.of(d.withSignatures(list), header);
    }

    @BeforeAll
    static void setUp() throws Exception {
        Set<RelayDescriptor.Key> keys = new HashSet<>();
        AUTHORITY_KEYS.forEach(k -> keys.add(new RelayDescriptor.Key(k.publicKey())));
        authorities = new AuthoritySet(keys);
        group = new NioEventLoopGroup(1);
        List<ConsensusEntry> entries = new ArrayList<>();
        listed = new HashSet<>();
        Random random = new Random(9);
        for (int i = 0; i < 40; i++) {
            Ed25519KeyPair k = key(i);
            Set<RelayFlag> flags = i % 3 == 0 ? EnumSet.allOf(RelayFlag.class)
                    : EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID);
            RelayDescriptor d = new RelayDescriptor(k.publicKey(), new byte[32],
                    List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9000 + i)),
                    1 + random.nextInt(5_000_000), 0, Set.of(), "0.1.0", flags, AFTER.minusSeconds(600));
            entries.add(ConsensusEntry.of(RelayDescriptorDocument.sign(d, k), flags));
            listed.add(d.identityKey());
        }
        current = publish(AFTER, entries, 0, 1, 2);
        previous = publish(AFTER.minusSeconds(1800), entries, 0, 1, 2);
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (Channel s : servers) {
            s.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** A directory server; {@code lies} counts the answers it falsified. */
    private record Server(HttpDirectoryQueries queries, AtomicInteger lies) {
        AtomicInteger requests() {
            return lies;
        }
    }

    private static Server serve(DirectoryHttpService service) throws InterruptedException {
        return serve(service, new AtomicInteger());
    }

    private static Server serve(DirectoryHttpService counting, AtomicInteger lies) throws InterruptedException {
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new DirectoryServerInitializer(List.of(counting)))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        servers.add(ch);
        return new Server(new HttpDirectoryQueries(new DirectoryHttpClient(new TcpDirectoryConnector(group,
                (InetSocketAddress) ch.localAddress()), Duration.ofSeconds(10), HttpDirectoryQueries.MAX_RESPONSE_BYTES,
                false)), lies);
    }

    private static Server honest() throws InterruptedException {
        DirectoryCacheService cache = new DirectoryCacheService();
        cache.update(current);
        return serve(cache);
    }

    /** Serves the current header but rewrites every find answer. */
    private static Server lyingAnswers(UnaryOperator<MerkleAnswer> tamper) throws InterruptedException {
        DirectoryCacheService cache = new DirectoryCacheService();
        cache.update(current);
        AtomicInteger lies = new AtomicInteger();
        return serve(r -> {
            Optional<DirectoryResponse> honest = cache.serve(r);
            if (!r.isPost(DirectoryPaths.MERKLE_FIND) || honest.isEmpty() || honest.get().status() != 200) {
                return honest;
            }
            try {
                MerkleAnswer a = MerkleAnswer.decode(honest.get().body());
                MerkleAnswer lie = tamper.apply(a);
                if (!lie.equals(a)) {
                    lies.incrementAndGet();
                }
                return Optional.of(DirectoryResponse.ok(lie.encode()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, lies);
    }

    private static Server servingHeader(byte[] header) throws InterruptedException {
        AtomicInteger lies = new AtomicInteger();
        return serve(r -> {
            if (!r.isGet(DirectoryPaths.MERKLE_HEADER)) {
                return Optional.empty();
            }
            lies.incrementAndGet();
            return Optional.of(DirectoryResponse.ok(header));
        }, lies);
    }

    private static MerkleAnswer answerFor(MerkleDirectory d, byte[] id, RelayRole role, long x) {
        try {
            return d.find(id, role, x);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Server> liars() throws Exception {
        MerkleDirectory honestTrees = current.merkle();
        byte[] id = honestTrees.header().header().consensusId();
        Map<String, Server> liars = new LinkedHashMap<>();
        liars.put("wrong relay", lyingAnswers(a -> {
            RelayMerkleTree tree = honestTrees.tree(a.role());
            int next = (int) ((a.leafIndex() + 1) % tree.size());
            return answerFor(honestTrees, id, a.role(), tree.ranges().start(next));
        }));
        liars.put("forged sibling", lyingAnswers(a -> {
            List<byte[]> path = new ArrayList<>(a.path());
            if (path.isEmpty()) {
                return a;
            }
            byte[] h = path.get(0);
            h[7] ^= 1;
            path.set(0, h);
            return new MerkleAnswer(a.consensusId(), a.role(), a.leafIndex(), a.rangeStart(), a.rangeEnd(),
                    a.descriptor(), path);
        }));
        liars.put("wrong range", lyingAnswers(a -> new MerkleAnswer(a.consensusId(), a.role(), a.leafIndex(),
                a.rangeStart(), a.rangeEnd() + 1, a.descriptor(), a.path())));
        liars.put("stale consensus id", lyingAnswers(a -> {
            MerkleDirectory old = previous.merkle();
            long x = Math.min(a.rangeStart(), old.tree(a.role()).bandwidthSum() - 1);
            return answerFor(old, old.header().header().consensusId(), a.role(), x);
        }));
        liars.put("minority-signed header", servingHeader(current.merkle().header().header()
                .withSignatures(List.of(current.merkle().header().header().sign(AUTHORITY_KEYS.get(0)))).encode()));
        return liars;
    }

    /** A properly signed header that expired an hour ago. */
    private static byte[] staleHeader() {
        return publish(AFTER.minusSeconds(7200), current.consensus().document().entries(), 0, 1, 2).merkle()
                .encodedHeader();
    }

    @Test
    void aLyingDirectoryIsCaughtEveryTimeAndPicksComeFromTheSignedTrees() throws Exception {
        Server good = honest();
        for (Map.Entry<String, Server> liar : liars().entrySet()) {
            int caught = 0;
            for (long seed = 0; seed < 5; seed++) {
                int before = liar.getValue().requests().get();
                MerkleRelaySampler sampler = new MerkleRelaySampler(authorities,
                        List.of(liar.getValue().queries(), good.queries()), new SplittableRandom(seed),
                        Clock.systemUTC(), PARSER, 32);
                PathConstraints path = PathConstraints.none();
                for (RelayRole role : List.of(RelayRole.GUARD, RelayRole.MIDDLE, RelayRole.MIDDLE)) {
                    RelayDescriptor r = sampler.pick(role, path).toCompletableFuture().get(20, TimeUnit.SECONDS);
                    assertTrue(listed.contains(r.identityKey()), liar.getKey());
                    path = path.with(r);
                }
                assertFalse(sampler.badDirectories().contains(good.queries().name()), liar.getKey());
                if (liar.getValue().requests().get() > before) {
                    caught++;
                    assertEquals(Set.of(liar.getValue().queries().name()), sampler.badDirectories(),
                            liar.getKey() + ": asked and not marked bad");
                }
            }
            assertTrue(caught > 0, liar.getKey() + ": five seeds never asked the liar");
        }
    }

    /** An expired header is a directory behind at a period change, not a liar: skipped, never marked. */
    @Test
    void aDirectoryServingAnExpiredHeaderIsSkippedNotBlamed() throws Exception {
        Server good = honest();
        Server stale = servingHeader(staleHeader());
        for (long seed = 0; seed < 4; seed++) {
            MerkleRelaySampler sampler = new MerkleRelaySampler(authorities, List.of(stale.queries(), good.queries()),
                    new SplittableRandom(seed), Clock.systemUTC(), PARSER, 32);
            RelayDescriptor r = sampler.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
            assertTrue(listed.contains(r.identityKey()));
            assertTrue(sampler.badDirectories().isEmpty(), sampler.badDirectories().toString());
        }
        assertTrue(stale.requests().get() > 0, "four seeds never asked the stale directory");
    }

    @Test
    void findOverHttpReturnsExactlyTheRelayTheNumberSelects() throws Exception {
        Server good = honest();
        MerkleDirectory trees = current.merkle();
        byte[] id = trees.header().header().consensusId();
        RelayMerkleTree middle = trees.tree(RelayRole.MIDDLE);
        for (int i = 0; i < middle.size(); i += 7) {
            long x = middle.ranges().start(i);
            byte[] answer = good.queries().find(id, RelayRole.MIDDLE, x).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(i, MerkleAnswer.decode(answer).leafIndex());
        }
        // Unknown consensus and x out of range are refused with 404.
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> good.queries().find(new byte[32], RelayRole.MIDDLE, 0).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(404, ((org.veilswarm.directory.http.DirectoryHttpException) e.getCause()).status());
        long sum = middle.bandwidthSum();
        var outside = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> good.queries().find(id, RelayRole.MIDDLE, sum).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(404, ((org.veilswarm.directory.http.DirectoryHttpException) outside.getCause()).status());
        assertEquals(FindRequest.MAX_LENGTH, new FindRequest(id, RelayRole.MIDDLE, Long.MAX_VALUE).encode().length);
    }
}
