package org.veilswarm.directory.authority.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.KeyFiles;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryHttpService;
import org.veilswarm.directory.http.DirectoryMirror;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryRequest;
import org.veilswarm.directory.http.DirectoryResponse;
import org.veilswarm.directory.http.DirectoryServerInitializer;
import org.veilswarm.directory.http.PublishedDirectory;
import org.veilswarm.directory.http.TcpDirectoryConnector;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.dirclient.OneHopDirectoryStreams;
import org.veilswarm.transport.onion.internal.LinkHandshakeProbe;
import org.veilswarm.transport.onion.link.LinkSettings;

/**
 * A directory network in this JVM, all on 127.0.0.1, for the client-side tests of relay caches (issue #4): real
 * authority components (HTTP, voting rounds of a few seconds, reachability by the onion link handshake) and real
 * onion relays (TLS links, ntor, circuits) from the onion test network, each relay uploading its signed descriptor
 * and serving the directory as a cache on BEGIN_DIR streams: a {@link DirectoryMirror} of the authorities behind
 * the directory HTTP server. A cache's answers can be replaced by a lie ({@link Cache#lie}), and each counts the
 * requests and body bytes it served. The client's side is {@link #clientStreams()}: the onion transport's
 * production {@link OneHopDirectoryStreams}. Published in this module's test-jar for the scheme modules.
 */
public final class RelayCacheNetwork implements AutoCloseable {
    /** Voting interval of the authorities; lists are valid for {@link #VALIDITY_SECONDS}. */
    public static final int INTERVAL_SECONDS = 3;
    public static final int VALIDITY_SECONDS = 9;

    private final OnionTestNetwork net = new OnionTestNetwork(0);
    private final List<Ed25519KeyPair> authorityKeys = new ArrayList<>();
    private final List<DirectoryAuthorityComponent> authorities = new CopyOnWriteArrayList<>();
    private final List<String> authorityConfig = new ArrayList<>();
    private final List<Cache> caches = new ArrayList<>();
    private final OneHopDirectoryStreams clientStreams;
    private io.netty.util.concurrent.ScheduledFuture<?> mirroring;
    /** Deactivates the schemes started on this network. */
    private final List<Runnable> closeFirst = new CopyOnWriteArrayList<>();

    /** One relay acting as a directory cache. */
    public static final class Cache {
        private final OnionRelay relay;
        private final RelayDescriptor descriptor;
        private final DirectoryMirror mirror;
        private final List<PublishedDirectory> held = new CopyOnWriteArrayList<>();
        private final LongAdder requests = new LongAdder();
        private final LongAdder headerRequests = new LongAdder();
        private final LongAdder bytes = new LongAdder();
        private final LongAdder lies = new LongAdder();
        private volatile Function<DirectoryRequest, Optional<DirectoryResponse>> lie;

        Cache(OnionRelay relay, RelayDescriptor descriptor, DirectoryMirror mirror) {
            this.relay = relay;
            this.descriptor = descriptor;
            this.mirror = mirror;
        }

        public RelayDescriptor descriptor() {
            return descriptor;
        }

        public OnionRelay relay() {
            return relay;
        }

        /** Every directory this cache held, oldest first. */
        public List<PublishedDirectory> held() {
            return List.copyOf(held);
        }

        public Optional<PublishedDirectory> current() {
            return mirror.service().current();
        }

        /**
         * From now on answers what {@code lie} returns for a request (empty: the honest answer); null: honest
         * again.
         */
        public void lie(Function<DirectoryRequest, Optional<DirectoryResponse>> lie) {
            this.lie = lie;
        }

        /** The honest answer to {@code request}. */
        public Optional<DirectoryResponse> honest(DirectoryRequest request) {
            return mirror.service().serve(request);
        }

        /** Directory requests this cache answered over BEGIN_DIR with 200 (a document). */
        public long requests() {
            return requests.sum();
        }

        /** Of {@link #requests}, those for the merkle header. */
        public long headerRequests() {
            return headerRequests.sum();
        }

        /** Answers {@link #lie} replaced. */
        public long liesTold() {
            return lies.sum();
        }

        /** Body bytes this cache sent (compressed when gzip was used). */
        public long bytes() {
            return bytes.sum();
        }

        DirectoryHttpService counted() {
            return request -> {
                Function<DirectoryRequest, Optional<DirectoryResponse>> l = lie;
                Optional<DirectoryResponse> answer;
                try {
                    answer = l == null ? Optional.empty() : l.apply(request);
                } catch (RuntimeException | Error e) {
                    // Shown, not swallowed: the stream closes unanswered and the test sees an unreachable cache.
                    System.err.println(this + ": the test's lie failed: " + e);
                    throw e;
                }
                if (answer.isEmpty()) {
                    answer = honest(request);
                } else {
                    lies.increment();
                }
                answer.filter(a -> a.status() == 200).ifPresent(a -> {
                    requests.increment();
                    if (request.isGet(org.veilswarm.directory.http.DirectoryPaths.MERKLE_HEADER)) {
                        headerRequests.increment();
                    }
                    bytes.add(a.body().length);
                });
                return answer;
            };
        }

        void refresh() {
            mirror.refresh().thenAccept(d -> {
                if (held.isEmpty() || !held.get(held.size() - 1).consensus().document().equals(d.consensus()
                        .document())) {
                    held.add(d);
                }
            });
        }

        @Override
        public String toString() {
            return org.veilswarm.directory.http.RelayCacheConnector.nameOf(descriptor);
        }
    }

    /**
     * Starts {@code authorityCount} authorities and {@code cacheCount} relays acting as caches, uploads the relays'
     * descriptors and waits (90 s at most) until every cache holds a list naming every relay.
     */
    public RelayCacheNetwork(Path dir, int authorityCount, int cacheCount) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < authorityCount; i++) {
            authorityKeys.add(Ed25519.generateKeyPair());
            ports.add(TestAuthorityConfigs.freePort());
            authorityConfig.add(Base64.getEncoder().encodeToString(authorityKeys.get(i).publicKey()) + "@127.0.0.1:"
                    + ports.get(i));
        }
        for (int i = 0; i < authorityCount; i++) {
            Path keyFile = dir.resolve("authority-" + i + ".ed25519");
            KeyFiles.writeSecret(keyFile, authorityKeys.get(i).seed());
            Map<String, Object> values = TestAuthorityConfigs.quick(keyFile, authorityConfig.toArray(String[]::new),
                    ports.get(i));
            values.put("votingIntervalSeconds", INTERVAL_SECONDS);
            values.put("validitySeconds", VALIDITY_SECONDS);
            values.put("tcpReachabilityFallback", false);
            DirectoryAuthorityComponent authority = new DirectoryAuthorityComponent(null,
                    TestAuthorityConfigs.config(DirectoryAuthorityComponent.Config.class, values));
            authority.bindHandshakeProbe(new LinkHandshakeProbe(net.group(), Duration.ofSeconds(10)));
            authorities.add(authority);
        }
        LinkSettings linkSettings = LinkSettings.defaults().withStepTimeout(Duration.ofSeconds(10));
        List<DirectoryHttpClient> sources = new ArrayList<>();
        for (int i = 0; i < authorityCount; i++) {
            sources.add(new DirectoryHttpClient(new TcpDirectoryConnector(net.group(),
                    new InetSocketAddress("127.0.0.1", ports.get(i))), Duration.ofSeconds(10), 64 << 20, true));
        }
        for (int i = 0; i < cacheCount; i++) {
            Ed25519KeyPair identity = Ed25519.generateKeyPair();
            X25519KeyPair onionKey = X25519.generateKeyPair();
            OnionRelay relay = OnionRelay.start(identity, onionKey, net.group(), new InetSocketAddress("127.0.0.1", 0),
                    linkSettings, CircuitSettings.defaults());
            SignedRelayDescriptor signed = RelayDescriptorDocument.sign(new RelayDescriptor(identity.publicKey(),
                    onionKey.publicKey(), List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                            relay.address().getPort())), 100_000L * (i + 1), 0, Set.of(), "0.1.0",
                    EnumSet.of(RelayFlag.GUARD, RelayFlag.HSDIR), Instant.now().truncatedTo(ChronoUnit.SECONDS)
                            .minusSeconds(5)), identity);
            Cache cache = new Cache(relay, signed.descriptor(), new DirectoryMirror(authoritySet(), sources,
                    RelayDescriptorParser.vouchedForByAuthorities(), Clock.systemUTC()));
            net.services(relay).directory(new DirectoryServerInitializer(List.of(cache.counted())));
            caches.add(cache);
            for (DirectoryHttpClient authority : sources) {
                authority.post(DirectoryPaths.DESCRIPTOR, signed.document()).get(10, TimeUnit.SECONDS);
            }
        }
        this.clientStreams = new OneHopDirectoryStreams(net.group(), linkSettings,
                CircuitSettings.defaults().withBuildTimeout(Duration.ofSeconds(10)), Duration.ofSeconds(30));
        awaitCaches(d -> d.consensus().document().entries().size() == cacheCount, "every cache holds a list of all "
                + cacheCount + " relays");
        // As a relay's mirror does (mirrorRefreshSeconds), only more often: the periods here last 3 s.
        mirroring = net.group().next().scheduleAtFixedRate(() -> caches.forEach(Cache::refresh), 1, 1,
                TimeUnit.SECONDS);
    }

    /** "key@127.0.0.1:port" of each authority, as the schemes' configuration wants it. */
    public String[] authorityConfig() {
        return authorityConfig.toArray(String[]::new);
    }

    /**
     * Makes a directory scheme with the configuration DS would pass it ({@code configType}: the scheme's {@code Config})
     * to bootstrap from these authorities, ask at most {@code cacheAttempts} relay caches for one answer and give each
     * request 15 s; binds the client's directory streams to it, and deactivates it first when this network closes.
     */
    public <C, S> S startScheme(Class<C> configType, int cacheAttempts, Function<C, S> create,
            BiConsumer<S, DirectoryStreams> bindStreams, Consumer<S> deactivate) {
        Map<String, Object> values = new HashMap<>();
        values.put("authorities", authorityConfig());
        values.put("timeoutMillis", 15_000);
        values.put("cacheAttempts", cacheAttempts);
        S scheme = create.apply(config(configType, values));
        closeFirst.add(() -> deactivate.accept(scheme));
        bindStreams.accept(scheme, clientStreams);
        return scheme;
    }

    public AuthoritySet authoritySet() {
        return new AuthoritySet(authorityKeys.stream().map(k -> new RelayDescriptor.Key(k.publicKey()))
                .collect(java.util.stream.Collectors.toSet()));
    }

    public List<Cache> caches() {
        return List.copyOf(caches);
    }

    /** The cache that is relay {@code relay}. */
    public Cache cache(RelayDescriptor relay) {
        return caches.stream().filter(c -> c.descriptor().sameRelay(relay)).findFirst().orElseThrow();
    }

    /** The onion transport's client side of directory streams (one-hop circuits, BEGIN_DIR). */
    public OneHopDirectoryStreams clientStreams() {
        return clientStreams;
    }

    /** Refreshes every cache's mirror until {@code condition} holds for each one's directory (90 s at most). */
    public void awaitCaches(java.util.function.Predicate<PublishedDirectory> condition, String what)
            throws InterruptedException {
        await(() -> {
            boolean all = true;
            for (Cache c : caches) {
                Optional<PublishedDirectory> d = c.current();
                if (d.isEmpty() || !condition.test(d.get())) {
                    c.refresh();
                    all = false;
                }
            }
            return all;
        }, what, Duration.ofSeconds(90), Duration.ofMillis(300));
    }

    /**
     * Stops every authority: its HTTP server closes, so every later request to it fails (connection refused).
     * Then every cache gets the newest directory any cache holds (as mirrors would have fetched it), so all
     * caches serve the same last directory.
     */
    public void stopAuthorities() {
        mirroring.cancel(false);
        for (DirectoryAuthorityComponent a : authorities) {
            a.deactivate();
        }
        authorities.clear();
        PublishedDirectory last = newest();
        for (Cache c : caches) {
            if (c.mirror.service().install(last) && !c.held.contains(last)) {
                c.held.add(last);
            }
        }
    }

    /** The newest directory any cache holds. */
    public PublishedDirectory newest() {
        return caches.stream().map(Cache::current).flatMap(Optional::stream)
                .max(java.util.Comparator.comparing(d -> d.consensus().document().validAfter())).orElseThrow();
    }

    /**
     * A time at which a client's document valid until {@code validUntil} has expired and the newest directory the
     * caches hold is valid: the later of the two instants.
     */
    public Instant afterExpiryOf(Instant validUntil) {
        Instant newest = newest().consensus().document().validAfter();
        return newest.isAfter(validUntil) ? newest : validUntil;
    }

    /** Whether {@code list} is a list the authorities signed, valid now. */
    public boolean verifies(byte[] list) {
        ConsensusVerification v = authoritySet().verifyConsensus(list, RelayDescriptorParser.withSystemClock(),
                Instant.now());
        return v.accepted();
    }

    /** A client's clock that tests move forward (past a document's valid-until) without waiting. */
    public static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        /** From now on the clock reads {@code instant} plus the real time elapsed since. */
        public void moveTo(Instant instant) {
            offset = Duration.between(Instant.now(), instant);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The annotation instance DS would pass for {@code type}: {@code values}, else each attribute's default. */
    public static <T> T config(Class<T> type, Map<String, Object> values) {
        return TestAuthorityConfigs.config(type, values);
    }

    /** Polls {@code condition} every {@code every} until it holds; fails after {@code timeout} saying what. */
    public static void await(BooleanSupplier condition, String what, Duration timeout, Duration every)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(every.toMillis());
        }
    }

    @Override
    public void close() {
        closeFirst.forEach(Runnable::run);
        clientStreams.close();
        stopAuthorities();
        caches.forEach(c -> net.kill(c.relay()));
        net.close();
    }
}
