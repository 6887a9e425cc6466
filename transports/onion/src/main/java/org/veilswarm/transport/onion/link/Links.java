package org.veilswarm.transport.onion.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.veilswarm.transport.onion.cell.CellDecoder;
import org.veilswarm.transport.onion.cell.CellEncoder;
import org.veilswarm.transport.onion.link.Link.Role;
import org.veilswarm.transport.onion.link.LinkHandshakeException.Reason;

/**
 * Opens and accepts links: TLS with the JDK provider (1.3 or 1.2), then the tor-spec §4 handshake.
 *
 * <p>The initiator does not check the responder's TLS certificate against any PKI (tor's link
 * certificates are self-signed and say nothing by themselves, tor-spec §4.2); it accepts any
 * certificate in TLS and then requires the CERTS chain identity → signing key → SHA-256 of exactly
 * that certificate, for exactly the identity it asked for.
 */
public final class Links {
    /** Handler names in a link's pipeline, in order. */
    public static final String TLS = "onion-link-tls";
    public static final String CELL_DECODER = "onion-cell-decoder";
    public static final String CELL_ENCODER = "onion-cell-encoder";

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Heap buffers for all links, socket reads included (see {@link #install}). */
    private static final io.netty.buffer.ByteBufAllocator HEAP_BUFFERS = new HeapIoAllocator();

    /**
     * Heap buffers from Netty's shared pool ({@code PooledByteBufAllocator.DEFAULT}), also for socket reads:
     * Netty reads sockets into {@code ioBuffer()}s, direct whatever the allocator prefers. Links borrow the
     * default pool instead of a pool of their own, whose arenas and per-thread caches held 3–5 MB more of a
     * relay's RSS while it served a share (docs/performance.md "Node memory").
     */
    private static final class HeapIoAllocator extends io.netty.buffer.AbstractByteBufAllocator {
        private static final io.netty.buffer.ByteBufAllocator POOL = io.netty.buffer.PooledByteBufAllocator.DEFAULT;

        HeapIoAllocator() {
            super(false);
        }

        @Override
        public io.netty.buffer.ByteBuf ioBuffer() {
            return heapBuffer();
        }

        @Override
        public io.netty.buffer.ByteBuf ioBuffer(int initialCapacity) {
            return heapBuffer(initialCapacity);
        }

        @Override
        public io.netty.buffer.ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
            return heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected io.netty.buffer.ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return POOL.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected io.netty.buffer.ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return POOL.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return POOL.isDirectBufferPooled();
        }
    }
    /** Initiator contexts, one per suite order ({@link LinkCipherSuites}), built on first use. */
    private static final java.util.concurrent.ConcurrentMap<LinkCipherSuites, SslContext> CLIENT_CONTEXTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Links() {
    }

    /**
     * A TLS server context presenting {@code keys}' link certificate, offering suites in this JVM's order. Build
     * once, share across links.
     */
    public static SslContext responderTls(RelayLinkKeys keys) throws SSLException {
        return responderTls(keys, LinkCipherSuites.forThisJvm());
    }

    /** A TLS server context presenting {@code keys}' link certificate, offering {@code suites}. */
    public static SslContext responderTls(RelayLinkKeys keys, LinkCipherSuites suites) throws SSLException {
        return SslContextBuilder.forServer(keys.tlsCertificate().privateKey(), keys.tlsCertificate().certificate())
                .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).ciphers(suites.suites()).build();
    }

    static SslContext initiatorTls(LinkCipherSuites suites) throws SSLException {
        SslContext context = CLIENT_CONTEXTS.get(suites);
        if (context == null) {
            // Any certificate passes TLS here; the CERTS cell proves who holds it (see the class comment).
            context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS)
                    .ciphers(suites.suites()).trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            SslContext raced = CLIENT_CONTEXTS.putIfAbsent(suites, context);
            context = raced != null ? raced : context;
        }
        return context;
    }

    /**
     * A channel initializer for accepted connections (a {@code ServerBootstrap}'s child handler):
     * each one runs the responder side and reports to {@code listener}. {@code tls} is from
     * {@link #responderTls(RelayLinkKeys, LinkCipherSuites)} with {@code settings.cipherSuites()}.
     */
    public static ChannelInitializer<Channel> responder(RelayLinkKeys keys, SslContext tls, LinkSettings settings,
            LinkListener listener) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(listener, "listener");
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                Promise<Link> result = channel.eventLoop().newPromise();
                SslHandler handler = tls.newHandler(channel.alloc());
                if (settings.cipherSuites().responderHonoursInitiator()) {
                    javax.net.ssl.SSLParameters parameters = handler.engine().getSSLParameters();
                    parameters.setUseCipherSuitesOrder(false);
                    handler.engine().setSSLParameters(parameters);
                }
                install(channel.pipeline(), handler, Role.RESPONDER, keys, null, settings, listener, result);
            }
        };
    }

    /**
     * Connects to the relay whose Ed25519 identity is {@code expectedIdentity} at {@code address}.
     * {@code ownKeys} may be {@code null} (a client, which never authenticates); with keys, the link
     * authenticates if {@code settings.authenticate()}. {@code bootstrap} supplies the event loop
     * group and channel type; its handler is replaced.
     *
     * @return completes with the established link, or fails with a {@link LinkHandshakeException}
     */
    public static Future<Link> connect(Bootstrap bootstrap, SocketAddress address, byte[] expectedIdentity,
            RelayLinkKeys ownKeys, LinkSettings settings, LinkListener listener) {
        if (expectedIdentity == null || expectedIdentity.length != 32) {
            throw new IllegalArgumentException("expected identity must be a 32-byte Ed25519 key");
        }
        byte[] identity = expectedIdentity.clone();
        // The channel registers on the same loop as the promise: a handshake failing while the group shuts
        // down (a bundle update) then notifies on its own loop instead of on another loop that has already
        // terminated, which Netty rejected and logged at ERROR.
        EventLoop loop = bootstrap.config().group().next();
        Promise<Link> result = loop.newPromise();
        SslContext tls;
        try {
            tls = initiatorTls(settings.cipherSuites());
        } catch (SSLException e) {
            result.setFailure(new LinkHandshakeException(Reason.TLS, "cannot set up TLS: " + e.getMessage(), e));
            return result;
        }
        Bootstrap copy = bootstrap.clone(loop).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                install(channel.pipeline(), tls.newHandler(channel.alloc()), Role.INITIATOR, ownKeys, identity, settings,
                        listener, result);
            }
        });
        ChannelFuture connecting = copy.connect(address);
        if (connecting.isDone() && !connecting.isSuccess()) {
            // Refused at once: the loop has stopped (the transport is stopping). Netty would drop, and log at
            // SEVERE, every listener notification of a future of that loop, so the caller gets a failed future
            // whose listeners run in its own thread.
            LinkHandshakeException failure = connectFailed(address, connecting.cause());
            listener.failed(null, failure);
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(failure);
        }
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                LinkHandshakeException failure = connectFailed(address, connected.cause());
                if (result.tryFailure(failure)) {
                    listener.failed(null, failure);
                }
            }
        });
        return result;
    }

    private static LinkHandshakeException connectFailed(SocketAddress address, Throwable cause) {
        return new LinkHandshakeException(Reason.CONNECT_FAILED, "cannot connect to " + address + ": "
                + (cause instanceof java.util.concurrent.RejectedExecutionException
                        ? "the onion transport is stopping" : cause.getMessage()), cause);
    }

    private static void install(ChannelPipeline pipeline, SslHandler tls, Role role, RelayLinkKeys keys,
            byte[] expectedIdentity, LinkSettings settings, LinkListener listener, Promise<Link> result) {
        // Heap buffers for everything on a link: the JDK's AES-GCM (TLS 1.3/1.2) runs its GHASH intrinsic
        // only on arrays (direct ByteBuffers take a plain-Java path that cost over half of a relay's CPU),
        // and the tor1 relay crypto then works in place on the cell's array (PayloadView).
        pipeline.channel().config().setAllocator(HEAP_BUFFERS);
        tls.setHandshakeTimeoutMillis(settings.stepTimeout().toMillis());
        HandshakeTranscript transcript = new HandshakeTranscript(role);
        pipeline.addLast(TLS, tls);
        pipeline.addLast(HandshakeTranscript.NAME, transcript);
        pipeline.addLast(CELL_DECODER, new CellDecoder(settings.maxVariableCellLength()));
        pipeline.addLast(CELL_ENCODER, new CellEncoder());
        pipeline.addLast(LinkHandshakeHandler.NAME,
                new LinkHandshakeHandler(role, keys, expectedIdentity, settings, listener, result, transcript));
    }
}
