package org.veilswarm.transport.direct.impl;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;
import org.veilswarm.api.transport.TransportInfo;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The direct transport: streams are plain TCP connections, carried by Netty's native epoll transport on Linux
 * and by its NIO transport elsewhere ({@link DirectIo}).
 * <strong>It gives no anonymity and no encryption</strong>: every peer learns this node's IP address, and
 * anyone on the path sees what is transferred. Use it on a LAN, in tests, and to talk to ordinary
 * BitTorrent clients.
 *
 * <p>A plain Java object: construct it with settings, use it, {@link #close()} it. The DS component only
 * wires it to configuration. The engine owns its event loops ({@code workerThreads} threads that accept and
 * carry streams) and every channel it creates;
 * {@link #close()} closes all of them and stops the threads, so a stopped bundle leaves nothing behind.
 *
 * <p>Host names are resolved with the JDK resolver on two small daemon threads, never on an event loop,
 * because {@link InetAddress#getAllByName} blocks.
 */
public final class DirectTransportEngine implements Transport, AutoCloseable {
    /** The value of the {@value Transport#SCHEME} service property. */
    public static final String SCHEME = "direct";
    /** Every thread this engine starts has a name beginning with this. */
    public static final String THREAD_NAME_PREFIX = "veilswarm-direct-";
    static final String LOGGER_NAME = "org.veilswarm.transport.direct";

    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);
    private static final long SHUTDOWN_QUIET_MILLIS = 50;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;
    private static final int RESOLVER_THREADS = 2;
    private static final int RESOLVER_QUEUE = 1024;

    private final DirectTransportSettings settings;
    private final TransportInfo info;
    private final DirectIo io;
    private final EventLoopGroup workers;
    private final ThreadPoolExecutor resolver;
    private final InboundAdmission admission;
    /** Every stream this engine created, inbound and outbound; channels leave it when they close. */
    private final ChannelGroup streams;
    private final Set<DirectListener> listeners = ConcurrentHashMap.newKeySet();
    /** Listen and connect operations not yet completed, failed with CLOSED by {@link #close()}. */
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final Object stateLock = new Object();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    /** Starts an engine; its threads start lazily, with the first listener or stream. */
    public DirectTransportEngine(DirectTransportSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.info = new TransportInfo(SCHEME, Anonymity.NONE, false, 0,
                "plain TCP, no encryption; listeners bind " + NetUtil.toAddressString(settings.bindAddress()));
        this.io = DirectIo.choose(settings.nativeTransport());
        this.workers = io.newEventLoopGroup(settings.workerThreads(),
                new DefaultThreadFactory(THREAD_NAME_PREFIX + "io", true));
        LOG.log(Level.INFO, "direct transport I/O: {0}{1}", io.why(), io.epoll() && settings.listenerPerLoop()
                && settings.workerThreads() > 1 ? "; one SO_REUSEPORT listening socket per event loop" : "");
        this.resolver = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(RESOLVER_QUEUE), new DefaultThreadFactory(THREAD_NAME_PREFIX + "dns", true));
        this.resolver.allowCoreThreadTimeOut(true);
        this.admission = new InboundAdmission(settings.maxConnections(), settings.allowedSources());
        // stayClosed: a channel that joins after close() (an accept racing with it) is closed on joining.
        this.streams = new DefaultChannelGroup("direct-streams", workers.next(), true);
        LOG.log(Level.WARNING, "direct transport active: this node is reachable WITHOUT ANONYMITY on {0}:<port of "
                + "each listener>; peers and anyone on the network see its IP address and what it transfers "
                + "(plain TCP, no encryption). allowedSources: {1}, maxConnections: {2,number,#}",
                hostText(settings.bindAddress()), settings.allowedSources(), settings.maxConnections());
        if (settings.bindsWildcard() && settings.advertisedHost().isEmpty()) {
            LOG.log(Level.WARNING, "direct transport binds {0} but advertisedHost is empty: listener addresses "
                    + "will name {0}, which peers cannot connect to; set advertisedHost",
                    hostText(settings.bindAddress()));
        }
    }

    /** The Netty I/O this engine runs on: {@code "epoll"} (native, Linux) or {@code "nio"}. */
    public String ioName() {
        return io.name();
    }

    /** The settings this engine runs with. */
    public DirectTransportSettings settings() {
        return settings;
    }

    @Override
    public TransportInfo info() {
        return info;
    }

    /** Any IP address or DNS name; never an onion address. */
    @Override
    public boolean canReach(TransportAddress address) {
        return !address.isOnion();
    }

    /**
     * Binds a TCP server socket on the configured {@code bindAddress} and {@code port}.
     *
     * <p><strong>The key is ignored</strong> (it may be {@code null}): a direct listener is an IP address and
     * port, not an onion service, so there is nothing to publish and the key's secret is never read. Two
     * listens for different keys need different ports.
     *
     * @param port the TCP port, or 0 for an ephemeral one; {@link Listener#address()} reports the real port
     * @throws IllegalArgumentException if {@code port} is outside 0-65535
     * @return completes with the listener once it accepts, or with a {@link TransportException}: {@code CLOSED}
     *     if the engine is closed, {@code OTHER} naming the address when the bind fails (port in use, no
     *     such local address, no permission)
     */
    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        Objects.requireNonNull(childInitializer, "childInitializer");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port);
        }
        CompletableFuture<Listener> result = new CompletableFuture<>();
        if (!track(result)) {
            return CompletableFuture.failedFuture(ConnectFailures.closed());
        }
        String local = hostText(settings.bindAddress()) + ":" + port;
        List<EventLoopGroup> acceptors = new ArrayList<>();
        if (io.epoll() && settings.listenerPerLoop() && settings.workerThreads() > 1) {
            // One SO_REUSEPORT socket per loop: the kernel spreads incoming connections over them, and each loop
            // accepts and serves its own, with no hand-over between threads.
            for (EventExecutor loop : workers) {
                acceptors.add((EventLoop) loop);
            }
        } else {
            // Accepts on one of the I/O loops (no separate acceptor thread) and spreads the accepted streams over
            // all loops round robin: a swarm's peers on one listener must not share a single thread.
            acceptors.add(workers);
        }
        if (acceptors.size() > 1 && port != 0) {
            // Linux lets any socket of the same user that also sets SO_REUSEPORT join the port's group, so a
            // second listener (another engine, another node of this user) would silently share our connections
            // instead of failing. A plain socket cannot join: if it binds, nobody listens there now.
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(settings.bindAddress(), port));
            } catch (IOException e) {
                result.completeExceptionally(ConnectFailures.bindFailed(local, e));
                return result;
            }
        }
        bindAll(acceptors, port, new ArrayList<>(), childInitializer, result, local);
        return result;
    }

    /** Binds a server socket for {@code acceptors.get(bound.size())}, then the next on the same port. */
    private void bindAll(List<EventLoopGroup> acceptors, int port, List<Channel> bound,
            ChannelInitializer<Channel> childInitializer, CompletableFuture<Listener> result, String local) {
        EventLoopGroup group = acceptors.get(bound.size());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group, group)
                .channel(io.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, settings.acceptBacklog())
                // Lets a restarted node rebind its port while old connections sit in TIME_WAIT; Linux still
                // refuses a second listener on the same port (unless, as below, every socket sets SO_REUSEPORT,
                // and then only for the same user).
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY child option: Netty's socket channels (NIO and epoll) turn it on when they are
                // created, and setting it again would cost one more system call per accepted connection - for a
                // tracker, one per announce (echoesOverListenAndConnectWithNagleOff checks accepted streams).
                .childOption(ChannelOption.SO_KEEPALIVE, settings.tcpKeepAlive())
                .childHandler(new InboundStreamInitializer(childInitializer));
        if (acceptors.size() > 1) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        bootstrap.bind(new InetSocketAddress(settings.bindAddress(), port)).addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                bound.forEach(Channel::close);
                result.completeExceptionally(ConnectFailures.bindFailed(local, done.cause()));
                return;
            }
            bound.add(done.channel());
            int actualPort = ((InetSocketAddress) done.channel().localAddress()).getPort();
            if (bound.size() < acceptors.size() && !closed && !result.isDone()) {
                bindAll(acceptors, actualPort, bound, childInitializer, result,
                        hostText(settings.bindAddress()) + ":" + actualPort);
                return;
            }
            DirectListener listener = new DirectListener(bound,
                    new TransportAddress(settings.reportedHost(), actualPort), listeners::remove);
            listeners.add(listener);
            if (closed || !result.complete(listener)) {
                listener.closeAsync(); // closed or cancelled while binding
                return;
            }
            LOG.log(Level.WARNING, "this node is reachable WITHOUT ANONYMITY on {0}:{1,number,#} "
                    + "(direct transport, plain TCP); listener address {2}",
                    hostText(settings.bindAddress()), actualPort, listener.address());
        });
    }

    /**
     * Opens a TCP connection to an IP address or DNS name, with {@code TCP_NODELAY} on (small protocol
     * messages must not wait for Nagle's algorithm) and {@code connectTimeoutMillis} as the deadline for
     * name resolution and every address tried. A name that resolves to several addresses is tried address
     * by address until one answers; {@code initializer} runs on each attempted channel.
     *
     * <p>Cancelling the returned future aborts the attempt and closes its channel.
     *
     * @return completes with the active channel, or with a {@link TransportException}:
     *     {@code UNSUPPORTED_ADDRESS} for onion addresses (immediately), {@code REFUSED}, {@code TIMEOUT},
     *     {@code NOT_FOUND} (unknown host, no route), {@code CLOSED} (engine closed), {@code RESOURCE_LIMIT}
     *     (too many name lookups queued) or {@code OTHER}
     */
    @Override
    public CompletableFuture<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(initializer, "initializer");
        if (to.isOnion()) {
            return CompletableFuture.failedFuture(new TransportException(Reason.UNSUPPORTED_ADDRESS,
                    "the direct transport cannot reach onion addresses (" + to
                            + "): use an anonymous transport such as onion or tor"));
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        if (!track(result)) {
            return CompletableFuture.failedFuture(ConnectFailures.closed());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.connectTimeoutMillis());
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(to.host());
        if (literal != null) {
            attempt(List.of(literal), 0, to, initializer, result, deadline, null);
        } else {
            resolveThenConnect(to, initializer, result, deadline);
        }
        return result;
    }

    /** This transport never relays: {@link RelayCounters#NONE}. */
    @Override
    public RelayCounters relayCounters() {
        return RelayCounters.NONE;
    }

    /** Streams open now, inbound and outbound. */
    public int openStreams() {
        return streams.size();
    }

    /** Inbound streams open now, the number {@code maxConnections} limits. */
    public int openInboundStreams() {
        return admission.open();
    }

    /** Inbound connections closed at once because {@code maxConnections} streams were open. */
    public long refusedOverLimit() {
        return admission.refusedOverLimit();
    }

    /** Inbound connections closed at once because their source was not in {@code allowedSources}. */
    public long refusedBySource() {
        return admission.refusedSource();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Fails pending operations with {@code CLOSED}, closes every listener and stream, and stops the
     * threads, waiting up to a few seconds for them. Idempotent. Called on an event loop of this engine it
     * cannot wait for that loop: it then starts the shutdown and returns.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            List<CompletableFuture<?>> inFlight;
            synchronized (stateLock) {
                if (closed) {
                    return;
                }
                closed = true;
                inFlight = new ArrayList<>(pending);
                pending.clear();
            }
            TransportException closedFailure = ConnectFailures.closed();
            inFlight.forEach(f -> f.completeExceptionally(closedFailure));

            boolean mayWait = !onOwnEventLoop();
            List<Future<?>> closing = new ArrayList<>();
            for (DirectListener listener : List.copyOf(listeners)) {
                for (Channel server : listener.serverChannels()) {
                    closing.add(server.close());
                }
            }
            closing.add(streams.close());
            if (mayWait) {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_TIMEOUT_MILLIS);
                for (Future<?> f : closing) {
                    f.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            }
            resolver.shutdownNow();
            // The event loops close any channel still registered with them (one bound while we closed)
            // as part of their own shutdown.
            Future<?> workersDone = workers.shutdownGracefully(SHUTDOWN_QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS,
                    TimeUnit.MILLISECONDS);
            if (mayWait) {
                boolean stopped = workersDone.awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_MILLIS);
                boolean resolverStopped = awaitResolver();
                if (!stopped || !resolverStopped) {
                    LOG.log(Level.WARNING, "direct transport threads did not stop within {0} ms",
                            2 * SHUTDOWN_TIMEOUT_MILLIS);
                }
            }
            LOG.log(Level.INFO, "direct transport closed");
        }
    }

    private boolean awaitResolver() {
        try {
            // A lookup blocked in the OS resolver ignores interrupts; its thread is a daemon and ends with it.
            return resolver.awaitTermination(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void resolveThenConnect(TransportAddress to, ChannelInitializer<Channel> initializer,
            CompletableFuture<Channel> result, long deadline) {
        // The OS resolver may take longer than the connect timeout: enforce the deadline ourselves.
        ScheduledFuture<?> timeout;
        try {
            timeout = workers.schedule(() -> result.completeExceptionally(new TransportException(Reason.TIMEOUT,
                    "resolving " + to.host() + " took longer than connectTimeoutMillis=" + settings.connectTimeoutMillis())),
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(ConnectFailures.closed());
            return;
        }
        result.whenComplete((c, e) -> timeout.cancel(false));
        try {
            resolver.execute(() -> {
                if (result.isDone()) {
                    return;
                }
                List<InetAddress> addresses;
                try {
                    addresses = Arrays.asList(InetAddress.getAllByName(to.host()));
                } catch (UnknownHostException | SecurityException e) {
                    result.completeExceptionally(
                            ConnectFailures.connectFailed(to.toString(), e, settings.connectTimeoutMillis()));
                    return;
                }
                attempt(addresses, 0, to, initializer, result, deadline, null);
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(closed ? ConnectFailures.closed()
                    : new TransportException(Reason.RESOURCE_LIMIT,
                            RESOLVER_QUEUE + " host name lookups are already waiting; try again later", e));
        }
    }

    private void attempt(List<InetAddress> addresses, int index, TransportAddress to,
            ChannelInitializer<Channel> initializer, CompletableFuture<Channel> result, long deadline,
            Throwable lastFailure) {
        if (result.isDone()) {
            return;
        }
        if (index >= addresses.size()) {
            result.completeExceptionally(
                    ConnectFailures.connectFailed(to.toString(), lastFailure, settings.connectTimeoutMillis()));
            return;
        }
        long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remainingMillis <= 0) {
            result.completeExceptionally(new TransportException(Reason.TIMEOUT, "no answer from " + to
                    + " within connectTimeoutMillis=" + settings.connectTimeoutMillis(), lastFailure));
            return;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(workers)
                .channel(io.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, settings.tcpKeepAlive())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, remainingMillis))
                .handler(new OutboundStreamInitializer(initializer));
        ChannelFuture connecting = bootstrap.connect(new InetSocketAddress(addresses.get(index), to.port()));
        result.whenComplete((c, e) -> {
            if (result.isCancelled()) {
                connecting.channel().close();
            }
        });
        connecting.addListener((ChannelFuture done) -> {
            if (done.isSuccess()) {
                if (!result.complete(done.channel())) {
                    done.channel().close(); // cancelled, or the engine closed meanwhile
                }
            } else if (closed) {
                result.completeExceptionally(ConnectFailures.closed());
            } else {
                attempt(addresses, index + 1, to, initializer, result, deadline, done.cause());
            }
        });
    }

    /** Registers an operation to fail on close; false if already closed. */
    private boolean track(CompletableFuture<?> operation) {
        synchronized (stateLock) {
            if (closed) {
                return false;
            }
            pending.add(operation);
        }
        operation.whenComplete((v, e) -> pending.remove(operation));
        return true;
    }

    private boolean onOwnEventLoop() {
        for (EventExecutor executor : workers) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private static String hostText(InetAddress address) {
        String text = NetUtil.toAddressString(address);
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }

    /** Admits an accepted connection, then hands it to the caller's initializer. */
    private final class InboundStreamInitializer extends ChannelInitializer<Channel> {
        private final ChannelInitializer<Channel> child;

        InboundStreamInitializer(ChannelInitializer<Channel> child) {
            this.child = child;
        }

        @Override
        protected void initChannel(Channel ch) {
            if (closed || !admission.admit(ch)) {
                ch.close();
                return;
            }
            streams.add(ch);
            ch.pipeline().addLast(child);
        }
    }

    /** Records an outbound channel so {@link #close()} reaches it, then runs the caller's initializer. */
    private final class OutboundStreamInitializer extends ChannelInitializer<Channel> {
        private final ChannelInitializer<Channel> handler;

        OutboundStreamInitializer(ChannelInitializer<Channel> handler) {
            this.handler = handler;
        }

        @Override
        protected void initChannel(Channel ch) {
            if (closed) {
                ch.close();
                return;
            }
            streams.add(ch);
            ch.pipeline().addLast(handler);
        }
    }
}
