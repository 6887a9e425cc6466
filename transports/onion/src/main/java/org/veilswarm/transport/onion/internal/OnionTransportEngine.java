package org.veilswarm.transport.onion.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.link.LinkCipherSuites;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.path.DirectorySamplers;
import org.veilswarm.transport.onion.path.FirstHopLinks;
import org.veilswarm.transport.onion.path.ReusedFirstHopLinks;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.path.PathRules;
import org.veilswarm.transport.onion.path.PathSelector;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.stream.FlowControl;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.transport.onion.hs.HsDirServerInitializer;
import org.veilswarm.transport.onion.hs.HsDirStore;
import org.veilswarm.transport.onion.hs.rend.RendezvousRelay;
import org.veilswarm.transport.onion.hs.rend.RendezvousRelaySettings;
import org.veilswarm.transport.onion.service.BeginDirRouter;
import org.veilswarm.transport.onion.service.OnionServices;
import org.veilswarm.transport.onion.service.SampledHsDirList;

/**
 * The native onion transport without OSGi: the event loops, the relay on the ORPort when relaying is on
 * (middle, HSDir, introduction and rendezvous point roles; circuits of other nodes are counted in
 * {@link #relayCounters()}), and onion services ({@link OnionServices}, rend-spec-v3): {@link #listen}
 * publishes one, {@link #connect} reaches one by {@code <address>.onion:port}.
 *
 * <p>Both need a bound directory (relays for paths and the HSDir ring). Without one {@link #canReach} is
 * false and {@link #connect} and {@link #listen} fail at once with
 * {@link TransportException.Reason#UNSUPPORTED_ADDRESS} and a message naming the missing piece, so callers
 * move on to another transport.
 */
final class OnionTransportEngine implements AutoCloseable {
    static final String SCHEME = "onion";
    /** Every thread this transport starts has a name with this prefix. */
    static final String THREAD_PREFIX = "veilswarm-onion-";
    /** Onion hops between a client and the rendezvous point (tor's default path length). */
    static final int HOPS = 3;
    static final String NO_DIRECTORY = "onion services (rend-spec-v3, issue #5) need a bound directory to pick relays "
            + "and find HSDirs, and none is bound. Install and configure directory-merkle or directory-consensus, or use "
            + "the tor transport";
    /** HSDirs listed by sampling at most (see {@link SampledHsDirList}), and how long the list is kept. */
    private static final int MAX_HSDIRS = 512;
    private static final Duration HSDIR_LIST_LIFETIME = Duration.ofMinutes(10);
    /**
     * How long a publish waits for the directory to pick a relay: a testnet's first consensus comes about a
     * minute after its nodes start on an idle machine, several on a busy one.
     */
    static final Duration DIRECTORY_WAIT_LIMIT = Duration.ofMinutes(5);
    private static final Duration DIRECTORY_WAIT_PAUSE = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(OnionTransportEngine.class.getName());

    /** How often a running relay checks whether its onion key's period has ended. */
    static final Duration ONION_KEY_CHECK = Duration.ofHours(1);
    private final OnionTransportSettings settings;
    private final EventLoopGroup group;
    private final OnionRelay relay;
    private final byte[] relayIdentity;
    private final DirectorySamplers directory;
    private final SchemeRelayLists relayLists = new SchemeRelayLists();
    private final LocalServices localServices = new LocalServices();
    private final ReusedFirstHopLinks firstHops;
    private final PathCircuits circuits;
    private final OnionServices onionServices;
    /** Holds a publish back until the directory can pick relays (at most {@link #DIRECTORY_WAIT_LIMIT}). */
    private final DirectoryWait directoryWait;
    /** The HSDir role's store (rend-spec-v3 §2.2.6); null when not relaying. */
    private final HsDirStore hsDirStore;
    private volatile boolean closed;
    /** The node key the relay's onion keys derive from (null when not relaying). */
    private final ServiceKey onionKeySource;
    /** The rotation period of the onion key the relay publishes ({@link RelayOnionKeys}). */
    private long onionKeyPeriod;
    /**
     * Connects and listens in progress. {@link #close} fails them with {@code CLOSED}: their completions would run
     * on this transport's event loops, which are shut down then, so they would otherwise never complete — and a
     * caller waiting for one (the swarm engine counts an address as "being dialled" until its connect completes)
     * would wait forever, long after a new transport took this one's place (a bundle update).
     */
    private final java.util.Set<CompletableFuture<?>> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Starts the event loops and, if {@code settings.relay()}, the relay on the ORPort.
     *
     * @param nodeKey the node's service key: the relay identity is derived from it ({@link RelayIdentity})
     * @throws IllegalStateException if the ORPort cannot be bound (the message names address and cause)
     */
    /** How this node's onion services and connects negotiate flow control (the congestionControl setting). */
    FlowControl serviceFlowControl() {
        return onionServices.settings().flowControl();
    }

    OnionTransportEngine(OnionTransportSettings settings, ServiceKey nodeKey) {
        this(settings, nodeKey, new DirectorySamplers(""));
    }

    /** @param directory the directory samplers paths are picked from (bound and unbound at run time) */
    OnionTransportEngine(OnionTransportSettings settings, ServiceKey nodeKey, DirectorySamplers directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(nodeKey, "nodeKey");
        Ed25519KeyPair identity = RelayIdentity.derive(nodeKey);
        this.relayIdentity = identity.publicKey();
        this.group = new NioEventLoopGroup(settings.eventLoopThreads(), new DefaultThreadFactory(THREAD_PREFIX + "io", true));
        OnionRelay started = null;
        LOG.log(System.Logger.Level.INFO, LinkCipherSuites.forThisJvm().describe());
        try {
            if (settings.relay()) {
                // The same onion key across restarts within a rotation period, and the previous period's still
                // answered: clients keep the key of the consensus they hold (RelayOnionKeys says why).
                long period = RelayOnionKeys.period(java.time.Instant.now());
                onionKeyPeriod = period;
                started = OnionRelay.start(identity, RelayOnionKeys.derive(nodeKey, period),
                        List.of(RelayOnionKeys.derive(nodeKey, period - 1)), group, settings.bindSocketAddress(),
                        LinkSettings.defaults(), settings.circuitSettings());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutDownGroup();
            throw new IllegalStateException("interrupted while binding the ORPort " + settings.bindSocketAddress(), e);
        } catch (Exception e) { // SSLException, or the BindException that Netty's sync() rethrows undeclared
            shutDownGroup();
            throw new IllegalStateException("cannot start the onion relay on " + settings.bindSocketAddress() + ": " + e,
                    e);
        } finally {
            identity.destroy();
        }
        this.relay = started;
        this.onionKeySource = started != null ? nodeKey : null;
        if (started != null) {
            // A relay that runs into the next period rotates there (checked hourly; proposal 274), the descriptor
            // publisher uploads the new key with its next descriptor.
            group.next().scheduleAtFixedRate(() -> rotateOnionKeyIfDue(java.time.Instant.now()),
                    ONION_KEY_CHECK.toMinutes(), ONION_KEY_CHECK.toMinutes(), TimeUnit.MINUTES);
            // BEGIN_DIR answers HSDir requests, and directory requests once a cache registers; BEGIN never (no exits).
            this.hsDirStore = new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
            localServices.directory(new BeginDirRouter(new HsDirServerInitializer(hsDirStore), null));
            CircuitStreams.acceptOn(started, localServices);
            RendezvousRelay.install(started, RendezvousRelaySettings.defaults());
        } else {
            this.hsDirStore = null;
        }
        CircuitBuilder builder = new CircuitBuilder(settings.circuitSettings());
        // One link per guard for all our circuits (tor-spec §2 channel reuse), closed after 3 idle minutes.
        this.firstHops = FirstHopLinks.reusing(new io.netty.bootstrap.Bootstrap().group(group)
                .channel(io.netty.channel.socket.nio.NioSocketChannel.class), LinkSettings.defaults(), builder,
                ReusedFirstHopLinks.DEFAULT_IDLE_TIMEOUT);
        this.circuits = new PathCircuits(builder, firstHops);
        RelaySampler sampler = directory.sampler();
        this.directoryWait = new DirectoryWait(sampler, java.util.Set.of(new RelayDescriptor.Key(relayIdentity)), group,
                DIRECTORY_WAIT_PAUSE, DIRECTORY_WAIT_LIMIT,
                () -> closed);
        // The ring comes from the current scheme's verified HSDir list; sampling only for schemes without one.
        this.onionServices = new OnionServices(sampler, relayLists.hsDirs(directory::currentScheme,
                new SampledHsDirList(sampler, MAX_HSDIRS, HSDIR_LIST_LIFETIME, Clock.systemUTC())), circuits,
                new RelayDescriptor.Key(relayIdentity), OnionServices.Settings.DEFAULT.withFlowControl(
                        settings.congestionControl() ? FlowControl.CONGESTION_CONTROL : FlowControl.FIXED_WINDOWS),
                Clock.systemUTC(), group);
    }

    /**
     * Builds a {@value #HOPS}-hop circuit through relays the bound directory picks, never through this node's
     * own relay (path-spec §2.2).
     *
     * @return fails with {@link org.veilswarm.transport.onion.path.PathSelectionException} when no directory
     *     is bound or it cannot supply a valid path
     */
    CompletionStage<OriginCircuit> buildCircuit() {
        if (closed) {
            return CompletableFuture.failedStage(closedException());
        }
        return circuits.build(new PathSelector(directory.sampler(),
                PathRules.standard(HOPS, new RelayDescriptor.Key(relayIdentity))));
    }

    /** The bound schemes' relay lists, by scheme (bind and unbind them here): the HSDir ring's source. */
    SchemeRelayLists relayLists() {
        return relayLists;
    }

    /** The directory samplers (bind and unbind them here). */
    DirectorySamplers directory() {
        return directory;
    }

    /**
     * Answers BEGIN_DIR directory requests at this relay with {@code handler} (a {@code @Sharable} initializer),
     * or refuses them (null); HSDir requests are answered either way.
     */
    void serveDirectory(io.netty.channel.ChannelHandler handler) {
        localServices.directory(hsDirStore == null ? handler
                : new BeginDirRouter(new HsDirServerInitializer(hsDirStore), handler));
    }

    TransportInfo info() {
        String summary = "native onion routing (tor-spec), " + HOPS + " hops; "
                + (relay == null ? "not relaying" : "relaying for others on " + orPort().map(Object::toString).orElse("?"))
                + "; " + directory.describe() + "; onion services "
                + (directory.currentScheme().isPresent() ? "available" : "need a directory");
        return new TransportInfo(SCHEME, Anonymity.MUTUAL, relay != null, HOPS, summary);
    }

    /** True for {@code .onion} addresses while open and a directory is bound. */
    boolean canReach(TransportAddress address) {
        Objects.requireNonNull(address, "address");
        return !closed && address.isOnion() && directory.currentScheme().isPresent();
    }

    CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return listen(key, port, childInitializer, org.veilswarm.api.transport.ListenOptions.PUBLIC);
    }

    /**
     * With client authorization ({@link org.veilswarm.api.transport.ListenOptions#authorizedClients()}) the service
     * is published on its own (descriptor cookie encrypted to each client, rend-spec-v3 §2.5.1.2), not shared with
     * other ports under the same key: one key is either public or private, never both.
     */
    CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            org.veilswarm.api.transport.ListenOptions options) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(childInitializer, "childInitializer");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (port == 0) {
            throw new IllegalArgumentException("an onion service needs a port of 1..65535");
        }
        if (closed) {
            return CompletableFuture.failedStage(closedException());
        }
        if (directory.currentScheme().isEmpty()) {
            return CompletableFuture.failedStage(new TransportException(TransportException.Reason.UNSUPPORTED_ADDRESS,
                    "cannot listen as " + key.address() + ":" + port + ": " + NO_DIRECTORY));
        }
        // A directory bound before the network has a consensus (a testnet seconds old) cannot pick relays yet:
        // publish once it can, rather than fail every introduction point now (DirectoryWait).
        CompletableFuture<Void> directoryReady = directoryWait.ready(reason -> LOG.log(System.Logger.Level.INFO,
                "onion service " + key.address() + ":" + port + " waits for the directory before publishing: " + reason));
        CompletionStage<Listener> published = directoryReady
                .thenCompose(ready -> publishNow(key, port, childInitializer, options));
        CompletionStage<Listener> result = untilClosed(published, Listener::close);
        // The caller cancelling its stage abandons the listen (Transport's contract): a wait for the directory
        // ends, so it holds neither the caller's childInitializer nor, through it, the caller's bundle revision
        // for the rest of the wait (minutes, on a node whose directory cannot answer).
        result.whenComplete((listener, failure) -> {
            if (failure instanceof java.util.concurrent.CancellationException) {
                directoryReady.cancel(false);
            }
        });
        return result;
    }

    private CompletionStage<Listener> publishNow(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            org.veilswarm.api.transport.ListenOptions options) {
        if (closed) {
            return CompletableFuture.failedStage(closedException());
        }
        if (options.clientAuthorization()) {
            org.veilswarm.transport.onion.service.ServiceOptions serviceOptions =
                    org.veilswarm.transport.onion.service.ServiceOptions.authorizedClients(options.authorizedClients()
                            .stream().map(org.veilswarm.api.transport.ClientAuthPublicKey::bytes).toList());
            return onionServices.publish(key, port, childInitializer, serviceOptions)
                    .thenApply(service -> (Listener) service);
        }
        return onionServices.publish(key, port, childInitializer);
    }

    CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return connect(to, initializer, org.veilswarm.api.transport.ConnectOptions.NONE);
    }

    CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            org.veilswarm.api.transport.ConnectOptions options) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(initializer, "initializer");
        if (closed) {
            return CompletableFuture.failedStage(closedException());
        }
        if (!to.isOnion()) {
            return CompletableFuture.failedStage(new TransportException(TransportException.Reason.UNSUPPORTED_ADDRESS,
                    "cannot connect to " + to + ": the native onion transport reaches .onion addresses only"));
        }
        if (directory.currentScheme().isEmpty()) {
            return CompletableFuture.failedStage(new TransportException(TransportException.Reason.UNSUPPORTED_ADDRESS,
                    "cannot connect to " + to + ": " + NO_DIRECTORY));
        }
        byte[] clientKey = options.clientAuthKey().map(org.veilswarm.api.transport.ClientAuthSecretKey::bytes)
                .orElse(null);
        try {
            return untilClosed(clientKey == null ? onionServices.connect(to, initializer)
                    : onionServices.connect(to, initializer, clientKey), Channel::close);
        } finally {
            if (clientKey != null) {
                java.util.Arrays.fill(clientKey, (byte) 0); // OnionServices took its own copy
            }
        }
    }

    /** Keeps {@code key} for every later connect to {@code service} (api Transport 1.3). */
    boolean addClientAuthorization(org.veilswarm.api.node.OnionAddress service,
            org.veilswarm.api.transport.ClientAuthSecretKey key) {
        byte[] secret = key.bytes();
        try {
            onionServices.clientAuthorization(service, secret);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
        return true;
    }

    void removeClientAuthorization(org.veilswarm.api.node.OnionAddress service) {
        onionServices.removeClientAuthorization(service);
    }

    /**
     * {@code work}'s outcome, or a {@code CLOSED} failure if this transport closes first; a result that arrives
     * after that is released with {@code release}.
     */
    private <T> CompletionStage<T> untilClosed(CompletionStage<T> work, java.util.function.Consumer<T> release) {
        CompletableFuture<T> result = new CompletableFuture<>();
        pending.add(result);
        result.whenComplete((v, e) -> pending.remove(result));
        work.whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else if (!result.complete(v) && v != null) {
                release.accept(v);
            }
        });
        if (closed) { // closed while this was being registered: close() may have missed it
            result.completeExceptionally(closedException());
        }
        return result;
    }

    private static TransportException closedException() {
        return new TransportException(TransportException.Reason.CLOSED, "the onion transport is closed");
    }

    /** Cells and bytes relayed for others per epoch; {@link RelayCounters#NONE} when not relaying. */
    RelayCounters relayCounters() {
        return relay == null ? RelayCounters.NONE : relay.counters();
    }

    /** This node's circuits (open, built, failed) and the circuits it carries for others now. */
    CircuitCounts circuitCounts() {
        var own = circuits.counter();
        return new CircuitCounts(own.open(), relay == null ? 0 : relay.circuitCount(), own.built(), own.failed());
    }

    /** What this node's onion services and its connects to others did (the console's statistics). */
    org.veilswarm.api.transport.ServiceCounts serviceCounts() {
        return onionServices.counts();
    }

    /** The address the ORPort is bound to; empty when not relaying. */
    Optional<InetSocketAddress> orPort() {
        return Optional.ofNullable(relay).map(OnionRelay::address);
    }

    /**
     * What a client needs to build a circuit through this relay: the advertised address (or the bound one)
     * with the bound port. Empty when not relaying. A directory descriptor will carry this (not published yet).
     */
    Optional<RelayTarget> relayTarget() {
        if (relay == null) {
            return Optional.empty();
        }
        return Optional.of(new RelayTarget(relay.identity(), relay.ntorOnionKey(),
                settings.advertised(relay.address().getPort())));
    }

    /** The relay's Ed25519 identity (derived from, never equal to, the node key). */
    byte[] relayIdentity() {
        return relayIdentity.clone();
    }

    /**
     * Rotates the relay's onion key if {@code now} is in a later period than the key it publishes: the new period's
     * key becomes current, the one it replaces is still answered.
     *
     * @return whether it rotated
     */
    synchronized boolean rotateOnionKeyIfDue(java.time.Instant now) {
        long period = RelayOnionKeys.period(now);
        if (relay == null || closed || period <= onionKeyPeriod) {
            return false;
        }
        relay.rotateOnionKey(RelayOnionKeys.derive(onionKeySource, period));
        onionKeyPeriod = period;
        return true;
    }

    /** The relay, for tests in this package; null when not relaying. */
    OnionRelay relay() {
        return relay;
    }

    OnionTransportSettings settings() {
        return settings;
    }

    /** Closes the ORPort, every link and circuit, and waits for the transport's threads to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CompletableFuture<?> f : List.copyOf(pending)) {
            f.completeExceptionally(closedException());
        }
        onionServices.close();
        firstHops.close();
        if (relay != null) {
            relay.close();
        }
        shutDownGroup();
    }

    private void shutDownGroup() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
