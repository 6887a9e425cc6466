package org.veilswarm.transport.tor.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.transport.tor.control.AddOnionRequest;
import org.veilswarm.transport.tor.control.AddOnionResult;
import org.veilswarm.transport.tor.control.BandwidthEvent;
import org.veilswarm.transport.tor.control.BootstrapStatus;
import org.veilswarm.transport.tor.control.CircuitBandwidthEvent;
import org.veilswarm.transport.tor.control.ControlConnectionClosedException;
import org.veilswarm.transport.tor.control.TorControlClient;
import org.veilswarm.transport.tor.control.TorControlException;
import org.veilswarm.transport.tor.control.TorEvent;
import org.veilswarm.transport.tor.monitor.TorMonitor;
import org.veilswarm.transport.tor.monitor.TorState;
import org.veilswarm.transport.tor.monitor.TorState.Phase;

/**
 * The tor transport as a plain object: {@link #start()} launches (or attaches to) tor and waits for it to
 * bootstrap on a private thread; {@link #connect} opens SOCKS5 streams through tor to onion services;
 * {@link #listen} publishes an onion service with ADD_ONION under the caller's own key, its streams
 * arriving on a loopback server socket; {@link #close()} withdraws everything and stops an owned tor.
 * Calls made before tor is ready wait for it; if tor fails, they fail with the reason, and
 * {@link #monitor()} shows the state. Never blocks the caller.
 */
public final class TorTransportEngine implements Transport, AutoCloseable {
    public static final String SCHEME = "tor";
    /** Every thread this engine starts has a name beginning with this. */
    public static final String THREAD_NAME_PREFIX = "veilswarm-tor-";
    private static final System.Logger LOG = System.getLogger("org.veilswarm.transport.tor");
    private static final String PROXY = "tor-socks5";
    private static final String GATE = "tor-socks-gate";
    /** A tor SOCKS port is on loopback: a connection that takes longer than this is not going to work. */
    private static final int SOCKS_PORT_CONNECT_MILLIS = 10_000;

    private final TorTransportSettings settings;
    private final Clock clock;
    private final TorMonitorState monitor;
    private final TorRelayCounters counters;
    private final TransportInfo info;
    /** Control-port work (blocking calls) runs here, one operation at a time, never on the caller's thread. */
    private final ExecutorService control;
    private final EventLoopGroup io;
    private final ChannelGroup streams;
    private final LocalStreamBytes localBytes = new LocalStreamBytes();
    private long localBytesReported;
    private final Set<TorOnionListener> listeners = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<TorBackend> ready = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private volatile TorBackend backend;
    private volatile InetSocketAddress socksAddress;
    private volatile boolean closed;
    private boolean started;

    public TorTransportEngine(TorTransportSettings settings) {
        this(settings, Clock.systemUTC());
    }

    TorTransportEngine(TorTransportSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.monitor = new TorMonitorState(clock);
        // Relay settings are written into an owned tor's torrc only; an attached tor is configured by its operator
        // and is never credited as a relay here.
        boolean relays = settings.relay() && settings.mode() == TorTransportSettings.Mode.OWNED;
        this.counters = new TorRelayCounters(clock, relays);
        this.info = new TransportInfo(SCHEME, Anonymity.MUTUAL, relays, 3,
                "C tor " + (settings.mode() == TorTransportSettings.Mode.OWNED ? "launched by this node" : "attached at "
                        + settings.controlHost() + ":" + settings.controlPort())
                        + (relays ? ", non-exit relay" : ", client only") + "; onion services over SOCKS5 and ADD_ONION");
        this.control = Executors.newSingleThreadExecutor(new DefaultThreadFactory(THREAD_NAME_PREFIX + "control", true));
        this.io = new NioEventLoopGroup(2, new DefaultThreadFactory(THREAD_NAME_PREFIX + "io", true));
        this.streams = new DefaultChannelGroup("tor-streams", io.next(), true);
    }

    /** Starts tor (or attaches) in the background. Idempotent; {@link #ready()} tells when it is done. */
    public TorTransportEngine start() {
        synchronized (lifecycle) {
            if (started || closed) {
                return this;
            }
            started = true;
            try {
                control.execute(this::bringUp);
            } catch (RejectedExecutionException e) {
                ready.completeExceptionally(closedFailure());
            }
        }
        return this;
    }

    /**
     * Instead of {@link #start}: launches nothing, because the configuration meant for this transport is in
     * {@code file} and about to be applied (the component is then replaced by one with that configuration); the
     * monitor and the log say so. Calls made meanwhile wait, and fail as closed when this engine is closed.
     */
    public TorTransportEngine awaitConfiguration(Path file) {
        String why = "waiting for the configuration in " + file + " to be applied (hot deployment); no tor is launched"
                + " with the defaults meanwhile";
        monitor.setState(Phase.STARTING, why);
        LOG.log(Level.INFO, "tor transport: " + why);
        return this;
    }

    /** Completes when tor is bootstrapped and the SOCKS port known, or fails with a {@link TransportException}. */
    public CompletableFuture<Void> ready() {
        return ready.thenApply(b -> (Void) null);
    }

    public TorMonitor monitor() {
        return monitor;
    }

    /** The SOCKS listener in use, once ready. */
    public InetSocketAddress socksAddress() {
        return socksAddress;
    }

    /** The owned tor's process id, if this engine launched one and it is running. */
    public java.util.Optional<ProcessHandle> torProcess() {
        TorBackend b = backend;
        return b == null ? java.util.Optional.empty() : b.process().map(p -> p.process().toHandle());
    }

    /** The control connection, once ready (tests and diagnostics). */
    TorControlClient controlClient() {
        return ready.join().control();
    }

    TorRelayCounters counters() {
        return counters;
    }

    private void bringUp() {
        try {
            monitor.setState(Phase.STARTING, settings.mode() == TorTransportSettings.Mode.OWNED
                    ? "launching tor in " + settings.dataDirectory() : "connecting to " + settings.controlHost() + ":" + settings.controlPort());
            if (settings.mode() == TorTransportSettings.Mode.OWNED) {
                LOG.log(Level.INFO, "tor transport: launching tor in {0}", settings.dataDirectory());
            }
            TorBackend opened = settings.mode() == TorTransportSettings.Mode.OWNED ? TorBackend.launch(settings) : TorBackend.attach(settings);
            backend = opened;
            if (closed) {
                opened.close();
                throw closedFailure();
            }
            TorControlClient client = opened.control();
            client.addEventListener(this::onEvent);
            client.closed().whenComplete((v, e) -> onControlClosed());
            client.setEvents(TorMonitorState.EVENTS);
            counters.countsPrivateBandwidth(client.getConf("CountPrivateBandwidth").contains("1"));
            monitor.setState(Phase.BOOTSTRAPPING, "");
            BootstrapStatus status = awaitBootstrap(client);
            monitor.setBootstrap(status);
            socksAddress = opened.socksAddress(settings.controlHost(), settings.socksPort());
            io.scheduleAtFixedRate(counters::roll, settings.counterEpoch().toMillis(), settings.counterEpoch().toMillis(),
                    TimeUnit.MILLISECONDS);
            monitor.setState(Phase.READY, "SOCKS " + socksAddress.getAddress().getHostAddress() + ":" + socksAddress.getPort());
            LOG.log(Level.INFO, "tor transport ready: {0}", info.summary());
            ready.complete(opened);
        } catch (Exception e) {
            TransportException failure = startFailure(e);
            monitor.setState(closed ? Phase.STOPPED : Phase.FAILED, failure.getMessage());
            monitor.note("ERR", "tor transport: " + failure.getMessage());
            if (!closed) {
                LOG.log(Level.ERROR, "tor transport failed to start: " + failure.getMessage(), e);
            }
            // Fail ready first: stopping tor closes the control connection, which must not read as a later loss.
            ready.completeExceptionally(failure);
            TorBackend b = backend;
            if (b != null) {
                b.close();
            }
        }
    }

    private BootstrapStatus awaitBootstrap(TorControlClient client) throws TorControlException {
        long deadline = System.nanoTime() + settings.bootstrapTimeout().toNanos();
        while (true) {
            BootstrapStatus status = client.bootstrapStatus();
            monitor.setBootstrap(status);
            if (status.isDone()) {
                return status;
            }
            if (closed) {
                throw new TorControlException("closed while tor was bootstrapping");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new BootstrapTimeout("tor did not finish bootstrapping within " + settings.bootstrapTimeout()
                        + ": stuck at " + status.progress() + "% (" + status.tag() + ": " + status.summary() + ")"
                        + (status.arguments().containsKey("WARNING") ? ", tor warns: " + status.arguments().get("WARNING") : "")
                        + "; check that tor can reach its directory authorities");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TorControlException("interrupted while tor was bootstrapping", e);
            }
        }
    }

    private static final class BootstrapTimeout extends TorControlException {
        private static final long serialVersionUID = 1L;

        BootstrapTimeout(String message) {
            super(message);
        }
    }

    private TransportException startFailure(Exception e) {
        if (e instanceof TransportException t) {
            return t;
        }
        if (closed) {
            return closedFailure();
        }
        if (e instanceof BootstrapTimeout) {
            return new TransportException(Reason.TIMEOUT, e.getMessage(), e);
        }
        String where = settings.mode() == TorTransportSettings.Mode.OWNED ? "cannot start tor: "
                : "cannot use tor's control port at " + settings.controlHost() + ":" + settings.controlPort() + ": ";
        return new TransportException(Reason.OTHER, where + describe(e), e);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private void onEvent(TorEvent event) {
        monitor.onEvent(event);
        if (event instanceof BandwidthEvent bw) {
            // Local deliveries are sampled with each BW event so both cover the same second.
            long local = localBytes.fromTor();
            counters.onLocalDelivered(local - localBytesReported);
            localBytesReported = local;
            counters.onBandwidth(bw.bytesRead(), bw.bytesWritten());
        } else if (event instanceof CircuitBandwidthEvent circ) {
            counters.onOwnCircuit(circ.bytesRead(), circ.bytesWritten());
        }
    }

    /** The control connection is gone: an owned tor exits with it, an attached one dropped our services. */
    private void onControlClosed() {
        if (closed || !ready.isDone() || ready.isCompletedExceptionally()) {
            return; // closing, or bring-up still running (it reports the failure itself), or already failed
        }
        String why = "tor's control connection closed unexpectedly; onion services of this node are withdrawn";
        // ready had completed: later calls must see the loss, not the dead connection. Before the FAILED state,
        // so that whoever sees that state and calls in gets the loss too.
        ready.obtrudeException(new TransportException(Reason.CLOSED, why));
        monitor.setState(Phase.FAILED, why);
        monitor.note("ERR", why);
        LOG.log(Level.ERROR, why);
        for (TorOnionListener listener : List.copyOf(listeners)) {
            listener.serverChannel().close();
        }
    }

    private TransportException closedFailure() {
        return new TransportException(Reason.CLOSED, "the tor transport is closed");
    }

    /** A failure of {@link #ready} as the caller should see it. */
    private TransportException notReady(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (closed) {
            return closedFailure();
        }
        if (cause instanceof TransportException t) {
            return new TransportException(t.reason(), "tor transport unavailable: " + t.getMessage(), t);
        }
        return new TransportException(Reason.OTHER, "tor transport unavailable: " + describe(cause), cause);
    }

    @Override
    public TransportInfo info() {
        return info;
    }

    /** Onion addresses only: no exits are used, so the clear net is out of reach by design. */
    @Override
    public boolean canReach(TransportAddress address) {
        return address.isOnion();
    }

    // ---------------------------------------------------------------- outbound (SOCKS5, RFC 1928)

    /**
     * Opens a stream to an onion service through tor's SOCKS port, the name passed to tor unresolved (never
     * a local DNS lookup). Failures carry tor's SOCKS reply mapped to a reason ({@link SocksReplies}).
     */
    @Override
    public CompletableFuture<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(initializer, "initializer");
        if (!to.isOnion()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.UNSUPPORTED_ADDRESS,
                    "the tor transport reaches onion addresses only, not " + to + " (no exit relays are used)"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ready.whenComplete((b, failure) -> {
            if (failure != null) {
                result.completeExceptionally(notReady(failure));
            } else {
                openSocksStream(to, initializer, result);
            }
        });
        return result;
    }

    private void openSocksStream(TransportAddress to, ChannelInitializer<Channel> initializer, CompletableFuture<Channel> result) {
        InetSocketAddress socks = socksAddress;
        Socks5ProxyHandler proxy = new Socks5ProxyHandler(socks);
        proxy.setConnectTimeoutMillis(settings.connectTimeout().toMillis());
        SocksReplyObserver observer = new SocksReplyObserver();
        SocksStreamGate gate = new SocksStreamGate();
        java.util.concurrent.atomic.AtomicBoolean initializerFailed = new java.util.concurrent.atomic.AtomicBoolean();
        Bootstrap bootstrap = new Bootstrap().group(io).channel(NioSocketChannel.class)
                // The onion name goes to tor inside the SOCKS request; it must never reach a DNS resolver.
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, SOCKS_PORT_CONNECT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(PROXY, proxy);
                        ch.pipeline().addAfter(PROXY, "tor-local-bytes", localBytes);
                        ch.pipeline().addBefore(PROXY, "tor-socks-reply", observer);
                        ch.pipeline().addLast(GATE, gate);
                        ch.pipeline().addLast(initializer);
                        // A ChannelInitializer that throws closes the channel itself (and only logs the cause).
                        initializerFailed.set(!ch.isOpen());
                    }
                });
        ChannelFuture connecting;
        try {
            connecting = bootstrap.connect(InetSocketAddress.createUnresolved(to.host(), to.port()));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(closedFailure());
            return;
        }
        Channel channel = connecting.channel();
        streams.add(channel);
        result.whenComplete((c, e) -> {
            if (e != null) {
                channel.close();
            }
        });
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess() && !proxy.connectFuture().isDone()) {
                result.completeExceptionally(initializerFailed.get()
                        ? new TransportException(Reason.OTHER, "setting up the stream to " + to + " failed: the caller's"
                                + " ChannelInitializer threw (Netty logged the exception) and the channel was closed", f.cause())
                        : new TransportException(Reason.OTHER, "cannot reach tor's SOCKS port " + socks + ": "
                                + describe(f.cause()), f.cause()));
            }
        });
        proxy.connectFuture().addListener(f -> {
            if (f.isSuccess()) {
                ChannelHandlerContext gateContext = channel.pipeline().context(gate);
                channel.pipeline().remove(proxy);
                if (result.complete(channel) && gateContext != null) {
                    gate.open(gateContext);
                }
            } else {
                result.completeExceptionally(socksFailure(to, observer.replyCode(), f.cause()));
            }
        });
    }

    private TransportException socksFailure(TransportAddress to, OptionalInt replyCode, Throwable cause) {
        if (closed) {
            return closedFailure();
        }
        if (replyCode.isPresent()) {
            TransportException e = SocksReplies.failure(replyCode.getAsInt(), to);
            e.initCause(cause);
            return e;
        }
        if (cause instanceof ProxyConnectException && String.valueOf(cause.getMessage()).contains("timeout")) {
            return new TransportException(Reason.TIMEOUT, "tor did not connect " + to + " within " + settings.connectTimeout(), cause);
        }
        if (cause instanceof IOException && !(cause instanceof ProxyConnectException)) {
            return new TransportException(Reason.OTHER, "cannot reach tor's SOCKS port " + socksAddress + ": " + describe(cause), cause);
        }
        return new TransportException(Reason.PROTOCOL, "SOCKS5 with tor failed for " + to + ": " + describe(cause), cause);
    }

    // ---------------------------------------------------------------- inbound (ADD_ONION, control-spec §3.27)

    /**
     * Publishes {@code key}'s onion service: a server socket on 127.0.0.1 (an ephemeral port) receives the
     * streams tor accepts for virtual port {@code port}; ADD_ONION gets the key as ED25519-V3 so the address
     * is the key's own. Port 0 uses the local port number as the virtual port too. The service lives as long
     * as the listener and the control connection (no Detach flag).
     *
     * <p>One key may listen on several virtual ports (a node's tracker and its swarm engine share the node's
     * address). tor has no command that adds a port to a running service and refuses a second ADD_ONION for
     * the same key ("550 Onion address collision", control-spec §3.27), so the service is replaced: DEL_ONION,
     * then one ADD_ONION with every port of the key. tor closes the service's circuits with DEL_ONION, so
     * streams already open to the key's other ports end; a node opens its ports together at start-up, when
     * there are none yet.
     */
    @Override
    public CompletableFuture<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(childInitializer, "childInitializer");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        CompletableFuture<Listener> result = new CompletableFuture<>();
        ready.whenComplete((b, failure) -> {
            if (failure != null) {
                result.completeExceptionally(notReady(failure));
                return;
            }
            try {
                control.execute(() -> publish(b, key, port, childInitializer, result));
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(closedFailure());
            }
        });
        return result;
    }

    /** The open listeners of the onion address {@code host}, in no particular order. */
    private List<TorOnionListener> listenersOf(String host) {
        return listeners.stream().filter(l -> l.address().host().equals(host)).toList();
    }

    private void publish(TorBackend b, ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            CompletableFuture<Listener> result) {
        if (result.isDone()) {
            return;
        }
        OnionAddress expected = key.address();
        String label = expected.hostName();
        List<TorOnionListener> siblings = listenersOf(label);
        if (port != 0 && siblings.stream().anyMatch(l -> l.address().port() == port)) {
            result.completeExceptionally(new TransportException(Reason.LOCAL_UNAVAILABLE, label + " already listens on"
                    + " virtual port " + port + " of this tor: close that listener first"));
            return;
        }
        ServerBootstrap server = new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        streams.add(ch);
                        ch.pipeline().addLast("tor-local-bytes", localBytes);
                        ch.pipeline().addLast(childInitializer);
                    }
                });
        ChannelFuture bound = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            result.completeExceptionally(new TransportException(Reason.LOCAL_UNAVAILABLE,
                    "cannot bind a loopback port for the onion service: " + describe(bound.cause()), bound.cause()));
            return;
        }
        Channel serverChannel = bound.channel();
        int localPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        int virtualPort = port == 0 ? localPort : port;
        if (siblings.stream().anyMatch(l -> l.address().port() == virtualPort)) {
            serverChannel.close();
            result.completeExceptionally(new TransportException(Reason.LOCAL_UNAVAILABLE, label + " already listens on"
                    + " virtual port " + virtualPort + " of this tor"));
            return;
        }
        boolean replaced = false;
        try {
            if (!siblings.isEmpty()) {
                b.control().delOnion(siblings.get(0).serviceId());
                replaced = true;
            }
            AddOnionResult added = addOnion(b, key, siblings, virtualPort, localPort);
            TorOnionListener listener = new TorOnionListener(TransportAddress.of(expected, virtualPort), serverChannel,
                    added.serviceId(), key, this::withdraw);
            listeners.add(listener);
            if (closed || !result.complete(listener)) {
                withdraw(listener);
                return;
            }
            LOG.log(Level.INFO, "onion service {0} published through tor (streams to 127.0.0.1:{1,number,#}{2})",
                    listener.address(), localPort, siblings.isEmpty() ? "" : "; republished with the key's "
                            + siblings.size() + " other port(s)");
        } catch (TorControlException | TransportException | RuntimeException e) {
            serverChannel.close();
            result.completeExceptionally(e instanceof TransportException t ? t
                    : new TransportException(e instanceof ControlConnectionClosedException ? Reason.CLOSED : Reason.OTHER,
                            "ADD_ONION for " + expected + " failed: " + describe(e), e));
            if (replaced) {
                // The key's other ports went with DEL_ONION: put them back as they were.
                republish(b, key, siblings);
            }
        }
    }

    /**
     * ADD_ONION for {@code key} with the ports of {@code existing} and, unless {@code virtualPort} is 0, one more;
     * withdraws and refuses a service whose address is not the key's own.
     */
    private static AddOnionResult addOnion(TorBackend b, ServiceKey key, List<TorOnionListener> existing, int virtualPort,
            int localPort) throws TorControlException, TransportException {
        OnionAddress expected = key.address();
        byte[] secret = key.expandedSecretKey();
        AddOnionRequest request;
        try {
            request = AddOnionRequest.withExpandedKey(secret);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
        try {
            for (TorOnionListener l : existing) {
                request.port(l.address().port(), l.localPort());
            }
            if (virtualPort != 0) {
                request.port(virtualPort, localPort);
            }
            AddOnionResult added = b.control().addOnion(request);
            if (!added.address().equals(expected)) {
                // Never publish under an address the key's owner does not expect.
                b.control().delOnion(added.serviceId());
                throw new TransportException(Reason.PROTOCOL, "tor published " + added.serviceId()
                        + ".onion but the key's address is " + expected + ": expanded key and address disagree");
            }
            return added;
        } finally {
            request.destroy();
        }
    }

    /** ADD_ONION again for listeners whose service was deleted; if tor refuses, they are closed. Control thread. */
    private void republish(TorBackend b, ServiceKey key, List<TorOnionListener> keep) {
        if (keep.isEmpty()) {
            return;
        }
        try {
            addOnion(b, key, keep, 0, 0);
        } catch (TorControlException | TransportException | RuntimeException e) {
            LOG.log(Level.ERROR, "onion service {0} could not be published again after a change of its ports: {1}; its "
                    + "listeners are closed", key.address(), describe(e));
            for (TorOnionListener l : keep) {
                listeners.remove(l);
                l.serverChannel().close();
            }
        }
    }

    /**
     * DEL_ONION (control-spec §3.28), then close the local server socket; the key's other ports, if any, are
     * published again without this one. Runs on the control thread.
     */
    private CompletableFuture<Void> withdraw(TorOnionListener listener) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable work = () -> {
            try {
                listeners.remove(listener);
                List<TorOnionListener> others = listenersOf(listener.address().host());
                TorBackend b = backend;
                // Closing the engine withdraws every listener: the key's last one deletes the service.
                if (b != null && b.control().isOpen() && !(closed && !others.isEmpty())) {
                    b.control().delOnion(listener.serviceId());
                    if (!closed) {
                        republish(b, listener.key(), others);
                    }
                }
            } catch (TorControlException e) {
                LOG.log(Level.WARNING, "DEL_ONION {0} failed: {1}", listener.serviceId(), e.getMessage());
            } finally {
                listener.serverChannel().close().awaitUninterruptibly(5_000);
                done.complete(null);
            }
        };
        try {
            control.execute(work);
        } catch (RejectedExecutionException e) {
            listeners.remove(listener);
            listener.serverChannel().close();
            done.complete(null);
        }
        return done;
    }

    @Override
    public RelayCounters relayCounters() {
        return counters;
    }

    /** This tor's own circuits from its CIRC events (see {@link TorMonitorState#circuitCounts()}). */
    @Override
    public java.util.Optional<org.veilswarm.api.transport.CircuitCounts> circuitCounts() {
        return java.util.Optional.of(monitor.circuitCounts());
    }

    /** Streams open now, inbound and outbound. */
    public int openStreams() {
        return streams.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Withdraws every onion service, closes every stream, stops an owned tor (or leaves an attached one),
     * and stops the threads. Idempotent; waits a bounded time.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        ready.completeExceptionally(closedFailure());
        List<CompletableFuture<Void>> withdrawing = new ArrayList<>();
        for (TorOnionListener listener : List.copyOf(listeners)) {
            withdrawing.add(listener.closeAsync().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(withdrawing.toArray(CompletableFuture[]::new)).get(settings.controlTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "withdrawing onion services did not finish: {0}", describe(e));
        }
        streams.close().awaitUninterruptibly(5_000);
        TorBackend b = backend;
        if (b != null) {
            b.close(); // unblocks a bring-up still waiting for bootstrap
        }
        control.shutdown();
        try {
            if (!control.awaitTermination(settings.startTimeout().toMillis() + settings.controlTimeout().toMillis(),
                    TimeUnit.MILLISECONDS)) {
                control.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            control.shutdownNow();
        }
        b = backend; // bring-up may have launched tor meanwhile; it stops it itself when it sees closed
        if (b != null) {
            b.close();
        }
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        monitor.setState(Phase.STOPPED, "");
        LOG.log(Level.INFO, "tor transport closed");
    }

    /** The state now, for logs. */
    public TorState state() {
        return monitor.state();
    }
}
