package org.veilswarm.directory.consensus;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.SignedConsensus;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryHttpService;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryResponse;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.Gzip;
import org.veilswarm.directory.http.TcpDirectoryConnector;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Three authority keys, seeded relays and directory servers on 127.0.0.1 that serve fixed bytes. */
final class TestDirectoryNetwork implements AutoCloseable {
    final List<Ed25519KeyPair> authorityKeys = List.of(key(100), key(101), key(102));
    final AuthoritySet authorities;
    final Instant validAfter = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    final Instant validUntil = validAfter.plusSeconds(3600);
    final EventLoopGroup group = new NioEventLoopGroup(1);
    private final List<Channel> servers = new ArrayList<>();

    TestDirectoryNetwork() {
        Set<RelayDescriptor.Key> keys = new HashSet<>();
        authorityKeys.forEach(k -> keys.add(new RelayDescriptor.Key(k.publicKey())));
        authorities = new AuthoritySet(keys);
    }

    static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xc0000000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    /** Relays with every flag and the given weights; the descriptors all claim the same bandwidth. */
    List<ConsensusEntry> entries(long... weights) {
        List<ConsensusEntry> entries = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            Ed25519KeyPair k = key(i);
            try {
                RelayDescriptor d = new RelayDescriptor(k.publicKey(), new byte[32],
                        List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9000 + i)), 5_000_000, 0,
                        Set.of(), "0.1.0", EnumSet.allOf(RelayFlag.class), validAfter.minusSeconds(600));
                SignedRelayDescriptor signed = RelayDescriptorDocument.sign(d, k);
                entries.add(new ConsensusEntry(signed, EnumSet.allOf(RelayFlag.class), weights[i]));
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return entries;
    }

    ConsensusDocument document(List<ConsensusEntry> entries) {
        return new ConsensusDocument(validAfter, validUntil, entries);
    }

    SignedConsensus signedBy(ConsensusDocument d, int... authorities) {
        List<HeaderSignature> s = new ArrayList<>();
        for (int a : authorities) {
            s.add(d.sign(authorityKeys.get(a)));
        }
        return d.withSignatures(s);
    }

    /** The list and its merkle header, both signed by every authority, as an authority publishes them. */
    org.veilswarm.directory.http.PublishedDirectory published(ConsensusDocument d) {
        var trees = org.veilswarm.directory.core.MerkleConsensus.of(d);
        List<HeaderSignature> header = new ArrayList<>();
        authorityKeys.forEach(k -> header.add(trees.header().sign(k)));
        return org.veilswarm.directory.http.PublishedDirectory.of(signedBy(d, 0, 1, 2), header);
    }

    /** A directory server running {@code service}. */
    InetSocketAddress serve(DirectoryHttpService service) throws InterruptedException {
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new DirectoryServerInitializer(List.of(service)))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        servers.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    /** An address on 127.0.0.1 where nothing listens. */
    static InetSocketAddress closedPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    /** {@code <base64 key>@127.0.0.1:<port>} for authority {@code i}. */
    String authorityEntry(int i, InetSocketAddress address) {
        return java.util.Base64.getEncoder().encodeToString(authorityKeys.get(i).publicKey()) + "@127.0.0.1:"
                + address.getPort();
    }

    /** A DS configuration annotation with the given values and the annotation's defaults for the rest. */
    static <T> T config(Class<T> type, java.util.Map<String, Object> values) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    throw new IllegalStateException("no value for " + method.getName());
                }));
    }

    /** A directory server that answers {@code GET consensus} with {@code body} and counts the requests. */
    Server serve(byte[] body) throws InterruptedException {
        return serve(() -> body);
    }

    /** A directory server that answers {@code GET consensus} with what {@code body} gives at the time of the request. */
    Server serve(java.util.function.Supplier<byte[]> body) throws InterruptedException {
        AtomicInteger requests = new AtomicInteger();
        DirectoryHttpService service = r -> {
            if (!r.isGet(DirectoryPaths.CONSENSUS)) {
                return Optional.empty();
            }
            requests.incrementAndGet();
            byte[] now = body.get();
            return Optional.of(r.acceptsGzip() ? new DirectoryResponse(200, Gzip.compress(now), true) : DirectoryResponse.ok(now));
        };
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new DirectoryServerInitializer(List.of(service)))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        servers.add(ch);
        DirectoryHttpClient client = new DirectoryHttpClient(new TcpDirectoryConnector(group,
                (InetSocketAddress) ch.localAddress()), Duration.ofSeconds(10), 1 << 24, true);
        return new Server(client, requests);
    }

    record Server(DirectoryHttpClient client, AtomicInteger requests) {
        String name() {
            return client.name();
        }
    }

    @Override
    public void close() throws Exception {
        for (Channel s : servers) {
            s.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
