package org.veilswarm.directory.merkle.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.FindRequest;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleAnswer;
import org.veilswarm.directory.core.RelayMerkleTree;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The merkle DS component with its typed configuration against one serving authority of three on 127.0.0.1:
 * status before and after, verified picks, and the directory role answering {@code find} from its mirror.
 */
class MerkleDirectorySchemeTest {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final List<Channel> servers = new ArrayList<>();
    private MerkleDirectoryScheme scheme;

    @AfterEach
    void tearDown() throws Exception {
        if (scheme != null) {
            scheme.deactivate();
        }
        for (Channel s : servers) {
            s.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xf0000000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    private InetSocketAddress serve(io.netty.channel.ChannelInitializer<Channel> initializer) throws Exception {
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(initializer)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        servers.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    private static InetSocketAddress closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    @Test
    void picksFromTheConfiguredAuthoritiesAndServesFind() throws Exception {
        List<Ed25519KeyPair> authorities = List.of(key(100), key(101), key(102));
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<ConsensusEntry> entries = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            Ed25519KeyPair k = key(i);
            RelayDescriptor d = new RelayDescriptor(k.publicKey(), new byte[32],
                    List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9000 + i)), 1000 * (i + 1), 0,
                    Set.of(), "0.1.0", EnumSet.allOf(RelayFlag.class), after.minusSeconds(600));
            entries.add(ConsensusEntry.of(RelayDescriptorDocument.sign(d, k), EnumSet.allOf(RelayFlag.class)));
        }
        ConsensusDocument list = new ConsensusDocument(after, after.plusSeconds(3600), entries);
        MerkleConsensus trees = MerkleConsensus.of(list);
        List<HeaderSignature> listSignatures = new ArrayList<>();
        List<HeaderSignature> headerSignatures = new ArrayList<>();
        authorities.forEach(k -> {
            listSignatures.add(list.sign(k));
            headerSignatures.add(trees.header().sign(k));
        });
        DirectoryCacheService authority = new DirectoryCacheService();
        authority.update(PublishedDirectory.of(list.withSignatures(listSignatures), headerSignatures));
        InetSocketAddress up = serve(new DirectoryServerInitializer(List.of(authority)));
        String[] configured = {entry(authorities.get(0), up), entry(authorities.get(1), closedPort()),
            entry(authorities.get(2), closedPort())};
        scheme = new MerkleDirectoryScheme(config(MerkleDirectoryScheme.Config.class,
                Map.of("authorities", configured, "serveDirectory", true, "timeoutMillis", 5000)));

        assertEquals("merkle", scheme.name());
        PathConstraints path = PathConstraints.none();
        for (RelayRole role : List.of(RelayRole.GUARD, RelayRole.MIDDLE, RelayRole.MIDDLE)) {
            path = path.with(scheme.sampler().pick(role, path).toCompletableFuture().get(20, TimeUnit.SECONDS));
        }
        assertEquals(3, path.alreadyChosen().size());
        DirectoryStatus status = scheme.status();
        assertTrue(status.ready(), status.detail());
        assertEquals(9, status.relays());
        assertEquals(after.plusSeconds(3600), status.validUntil().orElseThrow());

        // The relay list for the HSDir ring: the HSDIR tree walked with verified finds, in identity order.
        List<RelayDescriptor> hsDirs = scheme.relaysWith(RelayFlag.HSDIR).toCompletableFuture().get(20,
                TimeUnit.SECONDS);
        RelayMerkleTree hsDirTree = trees.tree(RelayRole.HSDIR);
        assertEquals(9, hsDirs.size());
        for (int i = 0; i < hsDirs.size(); i++) {
            assertTrue(hsDirs.get(i).sameRelay(hsDirTree.ranges().relay(i).descriptor()), "leaf " + i);
        }
        ExecutionException noTree = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> scheme.relaysWith(RelayFlag.STABLE).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(noTree.getCause().getMessage().contains("no tree for STABLE"), noTree.getCause().getMessage());

        // The directory role answers find from the list and trees it mirrored.
        InetSocketAddress served = serve(scheme.directoryService().orElseThrow());
        DirectoryHttpClient client = new DirectoryHttpClient(new TcpDirectoryConnector(group, served),
                Duration.ofSeconds(5), 1 << 16, false);
        byte[] find = new FindRequest(trees.header().consensusId(), RelayRole.MIDDLE, 0).encode();
        byte[] answer = null;
        for (int i = 0; i < 100 && answer == null; i++) {
            try {
                answer = client.post(DirectoryPaths.MERKLE_FIND, find).get(5, TimeUnit.SECONDS).body();
            } catch (ExecutionException e) {
                Thread.sleep(100); // 503 until the mirror's first refresh completed
            }
        }
        assertEquals(0, MerkleAnswer.decode(answer).leafIndex());
    }

    @Test
    void withoutAnyReachableDirectoryItIsNotReady() throws Exception {
        String[] configured = {entry(key(100), closedPort())};
        scheme = new MerkleDirectoryScheme(config(MerkleDirectoryScheme.Config.class,
                Map.of("authorities", configured, "timeoutMillis", 2000)));
        assertFalse(scheme.status().ready());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> scheme.sampler().pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("no directory left"), e.getCause().getMessage());
    }

    private static String entry(Ed25519KeyPair key, InetSocketAddress address) {
        return Base64.getEncoder().encodeToString(key.publicKey()) + "@127.0.0.1:" + address.getPort();
    }
}
