package org.veilswarm.transport.onion.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayList;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.SignedConsensus;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.PublishedDirectory;

/**
 * Directory schemes for the transport's wiring tests, built from the real directory code: a majority-signed
 * list served by directory-http's cache, a {@link FullListRelaySampler} over given relays, and the relay list.
 * Only {@code publish} is a stub (these tests run no authorities).
 */
final class TestDirectorySchemes {
    private TestDirectorySchemes() {
    }

    /** A scheme named {@code name} whose sampler picks among {@code relays}; a cache when {@code cache} is set. */
    static Scheme scheme(String name, List<RelayDescriptor> relays, Optional<PublishedDirectory> cache) {
        return new Scheme(name, relays, cache);
    }

    static final class Scheme implements DirectoryScheme, RelayList {
        private final String name;
        private final List<RelayDescriptor> relays;
        private final RelaySampler sampler;
        private final Optional<ChannelInitializer<Channel>> service;

        private Scheme(String name, List<RelayDescriptor> relays, Optional<PublishedDirectory> cache) {
            this.name = name;
            this.relays = List.copyOf(relays);
            this.sampler = new FullListRelaySampler(relays, new SplittableRandom(name.hashCode()), 64);
            this.service = cache.map(published -> {
                DirectoryCacheService served = new DirectoryCacheService();
                served.update(published);
                return new DirectoryServerInitializer(List.of(served));
            });
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public RelaySampler sampler() {
            return sampler;
        }

        @Override
        public CompletionStage<Void> publish(SignedRelayDescriptor descriptor) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<ChannelInitializer<Channel>> directoryService() {
            return service;
        }

        @Override
        public DirectoryStatus status() {
            return new DirectoryStatus(name, true, relays.size(), Optional.empty(), "test scheme");
        }

        @Override
        public CompletionStage<List<RelayDescriptor>> relaysWith(RelayFlag flag) {
            return CompletableFuture.completedFuture(relays.stream().filter(r -> r.flags().contains(flag))
                    .sorted(Comparator.comparing(RelayDescriptor::identityKey,
                            (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes())))
                    .toList());
        }
    }

    /** A list of {@code count} relays (made-up addresses) signed by {@code authorities}, valid for an hour. */
    static PublishedDirectory signedDirectory(int count, List<Ed25519KeyPair> authorities) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<ConsensusEntry> entries = new ArrayList<>();
        Set<RelayFlag> flags = Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.HSDIR);
        for (int i = 0; i < count; i++) {
            Ed25519KeyPair key = Ed25519.generateKeyPair();
            RelayDescriptor d = new RelayDescriptor(key.publicKey(), new byte[32],
                    List.of(new InetSocketAddress("127.0.0.1", 9000 + i)), 100_000 + i, 0, Set.of(), "0.1.0", flags,
                    now.minusSeconds(60));
            SignedRelayDescriptor signed = RelayDescriptorDocument.sign(d, key);
            key.destroy();
            entries.add(ConsensusEntry.of(signed, flags));
        }
        ConsensusDocument document = new ConsensusDocument(now.minusSeconds(600), now.plusSeconds(3600), entries);
        SignedConsensus consensus = document.withSignatures(authorities.stream().map(document::sign).toList());
        MerkleConsensus trees = MerkleConsensus.of(document);
        List<HeaderSignature> headerSignatures = authorities.stream().map(k -> trees.header().sign(k)).toList();
        return PublishedDirectory.of(consensus, headerSignatures);
    }

    static AuthoritySet authoritySet(List<Ed25519KeyPair> authorities) {
        Set<RelayDescriptor.Key> keys = new HashSet<>();
        authorities.forEach(k -> keys.add(new RelayDescriptor.Key(k.publicKey())));
        return new AuthoritySet(keys);
    }

    /** A node identity around a fresh key (the transport derives its relay identity from it). */
    static NodeIdentity nodeIdentity() {
        Ed25519KeyPair key = Ed25519.generateKeyPair();
        ServiceKey serviceKey = EngineTestValues.serviceKey(key);
        return new NodeIdentity() {
            @Override
            public OnionAddress address() {
                return serviceKey.address();
            }

            @Override
            public byte[] publicKey() {
                return key.publicKey();
            }

            @Override
            public byte[] sign(byte[] message) {
                return Ed25519.sign(key.seed(), message);
            }

            @Override
            public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
                return Ed25519.verify(publicKey, message, signature);
            }

            @Override
            public ServiceKey serviceKey() {
                return serviceKey;
            }
        };
    }

    /** The component's configuration: relaying on 127.0.0.1, {@code values} overriding the defaults. */
    @SuppressWarnings("unchecked")
    static OnionTransportComponent.Config config(java.util.Map<String, Object> values) {
        return (OnionTransportComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                OnionTransportComponent.Config.class.getClassLoader(), new Class<?>[] {OnionTransportComponent.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }
}
