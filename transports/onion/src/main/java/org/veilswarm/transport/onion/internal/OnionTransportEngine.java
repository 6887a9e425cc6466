package org.veilswarm.transport.onion.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.path.DirectorySamplers;
import org.veilswarm.transport.onion.path.FirstHopLinks;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.path.PathRules;
import org.veilswarm.transport.onion.path.PathSelector;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.api.directory.RelayDescriptor;

/**
 * The native onion transport without OSGi: the event loops, and the relay on the ORPort when relaying is
 * on. What works today is the relay (middle role, DESIGN §4): circuits of other nodes pass through it and
 * are counted in {@link #relayCounters()}.
 *
 * <p>What does not work yet, and says so: streams to and from this node need onion services
 * (rend-spec-v3, issue #5). Until then {@link #canReach} is false for every address, and
 * {@link #connect} and {@link #listen} fail at once with {@link TransportException.Reason#UNSUPPORTED_ADDRESS}
 * and a message naming the missing piece, so callers move on to another transport; nothing pretends to work.
 */
final class OnionTransportEngine implements AutoCloseable {
    static final String SCHEME = "onion";
    /** Every thread this transport starts has a name with this prefix. */
    static final String THREAD_PREFIX = "veilswarm-onion-";
    /** Onion hops between a client and the rendezvous point (tor's default path length). */
    static final int HOPS = 3;
    static final String NO_ONION_SERVICES = "the native onion transport cannot open or publish onion services yet "
            + "(rend-spec-v3, issue #5); it only relays circuits for other nodes. Use the tor transport for streams";

    private final OnionTransportSettings settings;
    private final EventLoopGroup group;
    private final OnionRelay relay;
    private final byte[] relayIdentity;
    private final DirectorySamplers directory;
    private final LocalServices localServices = new LocalServices();
    private final PathCircuits circuits;
    private volatile boolean closed;

    /**
     * Starts the event loops and, if {@code settings.relay()}, the relay on the ORPort.
     *
     * @param nodeKey the node's service key: the relay identity is derived from it ({@link RelayIdentity})
     * @throws IllegalStateException if the ORPort cannot be bound (the message names address and cause)
     */
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
        try {
            if (settings.relay()) {
                // A fresh ntor onion key per start: tor rotates onion keys too; descriptors carry the current one.
                started = OnionRelay.start(identity, X25519.generateKeyPair(), group, settings.bindSocketAddress(),
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
        if (started != null) {
            // BEGIN_DIR is answered once a directory cache registers a DirectoryStreamService; BEGIN never (no exits).
            CircuitStreams.acceptOn(started, localServices);
        }
        CircuitBuilder builder = new CircuitBuilder(settings.circuitSettings());
        this.circuits = new PathCircuits(builder, FirstHopLinks.fresh(new io.netty.bootstrap.Bootstrap().group(group)
                .channel(io.netty.channel.socket.nio.NioSocketChannel.class), LinkSettings.defaults(), builder));
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

    /** The directory samplers (bind and unbind them here). */
    DirectorySamplers directory() {
        return directory;
    }

    /** Answers BEGIN_DIR at this relay with {@code handler} (a {@code @Sharable} initializer), or refuses (null). */
    void serveDirectory(io.netty.channel.ChannelHandler handler) {
        localServices.directory(handler);
    }

    TransportInfo info() {
        String summary = "native onion routing (tor-spec), " + HOPS + " hops; "
                + (relay == null ? "not relaying" : "relaying for others on " + orPort().map(Object::toString).orElse("?"))
                + "; " + directory.describe() + "; streams need onion services (not yet available)";
        return new TransportInfo(SCHEME, Anonymity.MUTUAL, relay != null, HOPS, summary);
    }

    /** False for every address until onion services exist (see the class comment). */
    boolean canReach(TransportAddress address) {
        Objects.requireNonNull(address, "address");
        return false;
    }

    CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(childInitializer, "childInitializer");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        return CompletableFuture.failedStage(closed ? closedException()
                : new TransportException(TransportException.Reason.UNSUPPORTED_ADDRESS,
                        "cannot listen as " + key.address() + ":" + port + ": " + NO_ONION_SERVICES));
    }

    CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(initializer, "initializer");
        return CompletableFuture.failedStage(closed ? closedException()
                : new TransportException(TransportException.Reason.UNSUPPORTED_ADDRESS,
                        "cannot connect to " + to + ": " + NO_ONION_SERVICES));
    }

    private static TransportException closedException() {
        return new TransportException(TransportException.Reason.CLOSED, "the onion transport is closed");
    }

    /** Cells and bytes relayed for others per epoch; {@link RelayCounters#NONE} when not relaying. */
    RelayCounters relayCounters() {
        return relay == null ? RelayCounters.NONE : relay.counters();
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
        if (relay != null) {
            relay.close();
        }
        shutDownGroup();
    }

    private void shutDownGroup() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
