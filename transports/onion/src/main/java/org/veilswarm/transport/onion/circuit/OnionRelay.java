package org.veilswarm.transport.onion.circuit;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cell.Create2;
import org.veilswarm.transport.onion.cell.Created2;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.Extend2;
import org.veilswarm.transport.onion.cell.HandshakeType;
import org.veilswarm.transport.onion.cell.LinkSpecifier;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;
import org.veilswarm.transport.onion.crypto.NtorServer;
import org.veilswarm.transport.onion.crypto.RelayCircuitCrypto;
import org.veilswarm.transport.onion.limit.ConnectionLimiter;
import org.veilswarm.transport.onion.limit.LinkReadGate;
import org.veilswarm.transport.onion.limit.TokenBucket;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkListener;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;
import org.veilswarm.transport.onion.link.RelayLinkKeys;

/**
 * A relay (middle role only, DESIGN §4): accepts links, answers CREATE2 with ntor, extends circuits
 * with EXTEND2 over links it opens or reuses (one per peer identity), relays cells between circuit
 * halves and counts what it relays for others.
 */
public final class OnionRelay implements AutoCloseable {
    /**
     * Bound on each wait for the relay's channels to close when it closes (the listener, then all links together).
     * The relay closes in the transport's {@code @Deactivate}, inside a bundle refresh: a wait without a bound there
     * would hang the refresh and the node's stop for good if a channel's event loop never ran the close.
     */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final RelayLinkKeys linkKeys;
    /** The ntor identity digest the handshakes name (tor-spec §5.1.4 ID). */
    private final byte[] ntorIdentity;
    /** The key this relay publishes; swapped by {@link #rotateOnionKey}. */
    private volatile X25519KeyPair onionKey;
    /** Answers CREATE2 with the current key and the previous ones still accepted. */
    private volatile NtorServer ntor;
    private final EventLoopGroup group;
    private final LinkSettings linkSettings;
    private final CircuitSettings settings;
    private final RelayTrafficCounters counters;
    private final LinkRegistry registry;
    private final Set<CircuitTable> tables = ConcurrentHashMap.newKeySet();
    private final AtomicLongArray recognized = new AtomicLongArray(256);
    private final LongAdder refusals = new LongAdder();
    private final LongAdder resourceLimited = new LongAdder();
    /** Circuits this relay is a hop of, pending handshakes included (bounded by maxRelayCircuits). */
    private final AtomicInteger circuits = new AtomicInteger();
    private final CreateWorker createWorker;
    /** The bandwidth all links of this relay share; null for no limit. */
    private final TokenBucket bandwidth;
    private final ConnectionLimiter connections;
    private final LinkListener listener = new LinkListener() {
        @Override
        public void established(Link link) {
            attach(link);
        }
    };
    /** Makes the stream layer of a hop where streams arrive; null: no streams (BEGIN refused). */
    private volatile java.util.function.Function<CircuitEdge, EdgeHandler> streams;
    /** Takes control messages for this relay that circuits do not handle (onion services); null: dropped. */
    private volatile ControlMessageHandler control;
    private Channel server;
    private ScheduledFuture<?> epochs;

    private OnionRelay(Ed25519KeyPair identity, X25519KeyPair onionKey, List<X25519KeyPair> formerOnionKeys,
            EventLoopGroup group, LinkSettings linkSettings, CircuitSettings settings) {
        this.linkKeys = RelayLinkKeys.generate(identity);
        this.onionKey = onionKey;
        this.ntorIdentity = NtorIdentity.of(identity.publicKey());
        List<X25519KeyPair> accepted = new java.util.ArrayList<>();
        accepted.add(onionKey);
        accepted.addAll(formerOnionKeys);
        this.ntor = new NtorServer(ntorIdentity, accepted);
        this.group = group;
        this.linkSettings = linkSettings;
        this.settings = settings;
        this.counters = new RelayTrafficCounters(linkSettings.clock());
        this.createWorker = new CreateWorker(settings.maxPendingCreates());
        this.connections = new ConnectionLimiter(settings.maxConnectionsPerAddress());
        this.bandwidth = settings.bandwidthRate() == CircuitSettings.UNLIMITED ? null
                : new TokenBucket(settings.bandwidthRate(), settings.bandwidthBurst());
        this.registry = new LinkRegistry((address, expected) -> Links.connect(
                new Bootstrap().group(group).channel(NioSocketChannel.class), address, expected, linkKeys, linkSettings,
                listener));
    }

    /**
     * Starts a relay listening on {@code bindAddress} (port 0: any free port).
     *
     * @throws SSLException if the TLS context cannot be built
     * @throws InterruptedException if interrupted while binding
     */
    public static OnionRelay start(Ed25519KeyPair identity, X25519KeyPair onionKey, EventLoopGroup group,
            InetSocketAddress bindAddress, LinkSettings linkSettings, CircuitSettings settings)
            throws SSLException, InterruptedException {
        return start(identity, onionKey, List.of(), group, bindAddress, linkSettings, settings);
    }

    /**
     * Starts a relay that publishes {@code onionKey} and still answers CREATE2 cells made with any of
     * {@code formerOnionKeys}: clients holding a consensus from before a key rotation (proposal 274's grace
     * period) keep building circuits through it.
     *
     * @throws SSLException if the TLS context cannot be built
     * @throws InterruptedException if interrupted while binding
     */
    public static OnionRelay start(Ed25519KeyPair identity, X25519KeyPair onionKey,
            List<X25519KeyPair> formerOnionKeys, EventLoopGroup group, InetSocketAddress bindAddress,
            LinkSettings linkSettings, CircuitSettings settings) throws SSLException, InterruptedException {
        OnionRelay relay = new OnionRelay(identity, onionKey, formerOnionKeys, group, linkSettings, settings);
        try {
            relay.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(relay.accepted(Links.responder(relay.linkKeys,
                            Links.responderTls(relay.linkKeys, linkSettings.cipherSuites()), linkSettings,
                            relay.listener)))
                    .bind(bindAddress).sync().channel();
        } catch (Exception e) { // also the BindException that sync() rethrows undeclared
            relay.createWorker.close(); // e.g. the port is taken: leave no thread behind
            throw e;
        }
        long epochMillis = settings.counterEpoch().toMillis();
        relay.epochs = group.next().scheduleAtFixedRate(relay.counters::roll, epochMillis, epochMillis,
                TimeUnit.MILLISECONDS);
        return relay;
    }

    /** An accepted connection passes the per-address cap before any TLS work. */
    private ChannelInitializer<Channel> accepted(ChannelInitializer<Channel> responder) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(connections, responder);
            }
        };
    }

    private void attach(Link link) {
        link.channel().pipeline().addFirst(LinkReadGate.NAME, new LinkReadGate(bandwidth));
        CircuitTable table = CircuitTable.install(link, settings, this);
        tables.add(table);
        link.channel().closeFuture().addListener(closed -> tables.remove(table));
        registry.register(link, link.channel().eventLoop().newSucceededFuture(link));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The Ed25519 identity peers and EXTEND2 link specifiers name. */
    public byte[] identity() {
        return linkKeys.identityKey();
    }

    public byte[] ntorOnionKey() {
        return onionKey.publicKey();
    }

    /**
     * Proposal 274's rotation: {@code next} becomes the key this relay publishes, the current one is still answered
     * (clients keep the key of the consensus they hold until a newer one lists {@code next}), older ones no longer.
     * A handshake already on the worker finishes with the keys it started with.
     */
    public synchronized void rotateOnionKey(X25519KeyPair next) {
        java.util.Objects.requireNonNull(next, "next");
        X25519KeyPair current = onionKey;
        ntor = new NtorServer(ntorIdentity, List.of(next, current));
        onionKey = next;
    }

    /** What a client needs to build a circuit through this relay. */
    public RelayTarget target() {
        return new RelayTarget(identity(), ntorOnionKey(), address());
    }

    public RelayCounters counters() {
        return counters;
    }


    /** Circuits this relay is a hop of, counted per link (a relayed circuit counts on both of its links). */
    public int circuitEntries() {
        return tables.stream().mapToInt(CircuitTable::size).sum();
    }

    /** Open links (each carries a circuit table). */
    public int linkCount() {
        return tables.size();
    }

    /** Relay messages that were recognized at this relay (addressed to this hop), by relay command. */
    public long recognizedCells(int relayCommand) {
        return recognized.get(relayCommand);
    }

    /** Circuits this relay closed for breaking the RELAY_EARLY rules of §5.6. */
    public long refusals() {
        return refusals.sum();
    }

    /** CREATE2 cells answered with DESTROY RESOURCELIMIT (a limit of {@link CircuitSettings} was reached). */
    public long resourceLimitRefusals() {
        return resourceLimited.sum();
    }

    /** Circuits this relay is a hop of, including CREATE2 handshakes not yet answered. */
    public int circuitCount() {
        return circuits.get();
    }

    /** Connections closed on accept because their IP address held the maximum already. */
    public long refusedConnections() {
        return connections.refused();
    }

    /** CREATE2 handshakes waiting for the handshake worker. */
    public int pendingCreates() {
        return createWorker.waiting();
    }

    void resourceLimited() {
        resourceLimited.increment();
    }

    /** Called once by a {@link RelayHop} when it is torn down. */
    void circuitClosed() {
        circuits.decrementAndGet();
    }

    private boolean reserveCircuit() {
        int n;
        do {
            n = circuits.get();
            if (n >= settings.maxRelayCircuits()) {
                return false;
            }
        } while (!circuits.compareAndSet(n, n + 1));
        return true;
    }


    RelayTrafficCounters traffic() {
        return counters;
    }

    void refused() {
        refusals.increment();
    }

    void recognized(int relayCommand) {
        recognized.incrementAndGet(relayCommand & 0xFF);
    }


    /**
     * Lets streams end at this relay (tor-spec §6.2): {@code factory} makes the stream layer of each
     * hop of this relay that receives a stream message (see {@code org.veilswarm.transport.onion.stream.CircuitStreams.acceptOn}). Without
     * one, BEGIN gets END EXITPOLICY and BEGIN_DIR END NOTDIRECTORY.
     */
    public void acceptStreams(java.util.function.Function<CircuitEdge, EdgeHandler> factory) {
        this.streams = factory;
    }

    /**
     * Lets {@code handler} take the control messages addressed to this relay that the circuit layer
     * does not handle (the onion-service roles of rend-spec-v3 §3); null drops them again.
     */
    public void handleControlMessages(ControlMessageHandler handler) {
        this.control = handler;
    }

    ControlMessageHandler controlHandler() {
        return control;
    }

    EdgeHandler newEdgeHandler(CircuitEdge edge) {
        java.util.function.Function<CircuitEdge, EdgeHandler> factory = streams;
        return factory == null ? null : factory.apply(edge);
    }

    /** Closes every link of this relay (its circuits go with them) but keeps listening. */
    public void closeLinks() {
        List<? extends Future<?>> closing = List.copyOf(tables).stream().map(t -> t.link().close()).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (Future<?> link : closing) {
            link.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * tor-spec §5.1.4, §5.2: answers a CREATE2 that passed the table's checks. The handshake runs on the
     * {@link CreateWorker}; meanwhile a {@link PendingCreate} holds the circuit ID. Beyond the relay's
     * circuit limit or a full handshake queue the answer is DESTROY RESOURCELIMIT (§5.4).
     */
    void answerCreate2(CircuitTable table, Create2 create) {
        int id = create.circuitId();
        if (create.handshakeType() != HandshakeType.NTOR) {
            table.destroy(id, DestroyReason.PROTOCOL);
            return;
        }
        if (!reserveCircuit()) {
            refuseForResources(table, id);
            return;
        }
        PendingCreate pending = new PendingCreate(table, id);
        if (!table.register(id, pending)) {
            circuits.decrementAndGet();
            table.destroy(id, DestroyReason.PROTOCOL);
            return;
        }
        byte[] clientHandshake = create.handshakeData();
        if (!createWorker.submit(() -> handshake(table, id, pending, clientHandshake))) {
            table.remove(id, pending);
            circuits.decrementAndGet();
            refuseForResources(table, id);
        }
    }

    private void refuseForResources(CircuitTable table, int id) {
        resourceLimited();
        table.refuseCreate(id, DestroyReason.RESOURCELIMIT);
    }

    /** On the worker: the ntor server side, then back on the link's event loop to install the hop. */
    private void handshake(CircuitTable table, int id, PendingCreate pending, byte[] clientHandshake) {
        NtorServer.Reply reply;
        try {
            reply = ntor.respond(clientHandshake);
        } catch (HandshakeFailedException e) {
            onLinkLoop(table, () -> {
                circuits.decrementAndGet();
                if (table.remove(id, pending)) {
                    table.destroy(id, DestroyReason.PROTOCOL);
                }
            });
            return;
        }
        RelayHop hop = new RelayHop(this, table, id, new RelayCircuitCrypto(reply.keys()), reply.keys().nonce());
        reply.keys().destroy();
        onLinkLoop(table, () -> {
            if (table.replace(id, pending, hop)) {
                table.write(new Created2(id, reply.serverHandshake()));
            } else {
                circuits.decrementAndGet(); // destroyed, or the link closed, while we computed
            }
        });
    }

    private static void onLinkLoop(CircuitTable table, Runnable task) {
        try {
            table.link().channel().eventLoop().execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            // The event loop group is going away with every link: nothing left to answer.
        }
    }

    /**
     * tor-spec §5.1.2, §5.3: opens or reuses a link to the relay the link specifiers name (its
     * Ed25519 identity is required; the link handshake proves it) and sends CREATE2 there.
     */
    void extend(RelayHop hop, Extend2 extend) {
        byte[] identity = null;
        InetSocketAddress address = null;
        for (LinkSpecifier specifier : extend.linkSpecifiers()) {
            if (specifier instanceof LinkSpecifier.Ed25519Id id) {
                identity = id.key();
            } else if (specifier instanceof LinkSpecifier.Ipv4 v4 && address == null) {
                address = new InetSocketAddress(v4.address(), v4.port());
            } else if (specifier instanceof LinkSpecifier.Ipv6 v6 && address == null) {
                address = new InetSocketAddress(v6.address(), v6.port());
            }
        }
        if (identity == null || address == null || extend.handshakeType() != HandshakeType.NTOR) {
            hop.extendFailed(DestroyReason.PROTOCOL);
            return;
        }
        if (Arrays.equals(identity, identity())) {
            hop.extendFailed(DestroyReason.PROTOCOL); // a circuit through us twice in a row
            return;
        }
        Future<Link> link = registry.link(identity, address);
        link.addListener(done -> {
            CircuitTable next = done.isSuccess() ? CircuitTable.of(link.getNow()) : null;
            if (next == null) {
                hop.extendFailed(DestroyReason.CONNECTFAILED);
            } else {
                hop.connectOnward(next, extend);
            }
        });
    }


    @Override
    public void close() {
        if (epochs != null) {
            epochs.cancel(false);
        }
        if (server != null) {
            server.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        closeLinks();
        createWorker.close();
    }
}
