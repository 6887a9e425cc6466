package org.veilswarm.share.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.ClientAuthPublicKey;
import org.veilswarm.api.transport.ClientAuthSecretKey;
import org.veilswarm.api.transport.ConnectOptions;
import org.veilswarm.api.transport.ListenOptions;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * An anonymous transport as the share layer sees one through the Transport SPI, without onion routing: a
 * service is published as {@code <key's address>.onion:port} and reached through a shared {@link Directory}
 * that maps it to a loopback port. What it stands for: the tor transport and the native onion transport, which
 * publish the same names (the key's onion address) and reach only onion addresses.
 */
final class LoopbackOnionTransport implements Transport, AutoCloseable {
    static final String SCHEME = "loopback-onion";

    /** Which onion service listens on which loopback port: what HSDirs are to real onion services. */
    static final class Directory {
        private final Map<TransportAddress, TransportAddress> services = new ConcurrentHashMap<>();
        private final Map<TransportAddress, TransportAddress> hidden = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
        /** Services with client authorization: the public keys of their authorized clients. */
        private final Map<TransportAddress, java.util.Set<ClientAuthPublicKey>> authorizedClients =
                new ConcurrentHashMap<>();
        /** Connects refused for client authorization (no key, or a key not authorized). */
        final java.util.concurrent.atomic.AtomicInteger authRefusals = new java.util.concurrent.atomic.AtomicInteger();
        /** Connections asked for, per onion service: how often a downloader looked at a source. */
        private final Map<TransportAddress, java.util.concurrent.atomic.AtomicInteger> dials = new ConcurrentHashMap<>();

        int dials(TransportAddress service) {
            java.util.concurrent.atomic.AtomicInteger n = dials.get(service);
            return n == null ? 0 : n.get();
        }

        /** Makes {@code service} unfindable, as a descriptor not published yet. */
        void hide(TransportAddress service) {
            TransportAddress local = services.remove(service);
            if (local == null) {
                throw new IllegalArgumentException("no service " + service);
            }
            hidden.put(service, local);
        }

        /** Publishes a hidden service again. */
        void reveal(TransportAddress service) {
            services.put(service, hidden.remove(service));
        }
    }

    private final Directory directory;
    private final DirectTransportEngine loopback =
            new DirectTransportEngine(DirectTransportSettings.builder().bindAddress("127.0.0.1").build());
    private final TransportInfo info = new TransportInfo(SCHEME, Anonymity.MUTUAL, false, 0,
            "test: onion names over loopback TCP");

    /** Failures this node's next connects to a service get, as a real transport's circuits may fail. */
    private final Map<TransportAddress, java.util.Queue<TransportException.Reason>> failures =
            new ConcurrentHashMap<>();

    /** Client authorization keys given with {@link #addClientAuthorization}, as C tor's ONION_CLIENT_AUTH_ADD. */
    private final Map<org.veilswarm.api.node.OnionAddress, ClientAuthSecretKey> clientKeys = new ConcurrentHashMap<>();

    LoopbackOnionTransport(Directory directory) {
        this.directory = directory;
    }

    /** This node's next {@code times} connects to {@code service} fail with {@code reason}. */
    void failNext(TransportAddress service, int times, TransportException.Reason reason) {
        java.util.Queue<TransportException.Reason> queue = failures.computeIfAbsent(service,
                x -> new java.util.concurrent.ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            queue.add(reason);
        }
    }

    @Override
    public TransportInfo info() {
        return info;
    }

    @Override
    public boolean canReach(TransportAddress address) {
        return address.isOnion();
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return listen(key, port, childInitializer, ListenOptions.PUBLIC);
    }

    /** Like the onion transports, the service's clients are checked before anything reaches it (see connect). */
    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            ListenOptions options) {
        Objects.requireNonNull(key, "an onion service needs a key");
        TransportAddress published = TransportAddress.of(key.address(), port);
        if (options.clientAuthorization()) {
            directory.authorizedClients.put(published, options.authorizedClients());
        } else {
            directory.authorizedClients.remove(published);
        }
        return loopback.listen(null, 0, childInitializer).thenCompose(local -> {
            if (directory.services.putIfAbsent(published, local.address()) != null) {
                local.close();
                return CompletableFuture.failedFuture(new TransportException(
                        TransportException.Reason.LOCAL_UNAVAILABLE, published + " is taken"));
            }
            return CompletableFuture.completedFuture(new Listener() {
                @Override
                public TransportAddress address() {
                    return published;
                }

                @Override
                public boolean isOpen() {
                    return local.isOpen();
                }

                @Override
                public CompletionStage<Void> closeAsync() {
                    directory.services.remove(published, local.address());
                    return local.closeAsync();
                }
            });
        });
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return connect(to, initializer, ConnectOptions.NONE);
    }

    @Override
    public boolean supportsClientAuthorization() {
        return true;
    }

    @Override
    public boolean addClientAuthorization(org.veilswarm.api.node.OnionAddress service, ClientAuthSecretKey key) {
        clientKeys.put(service, key);
        return true;
    }

    @Override
    public void removeClientAuthorization(org.veilswarm.api.node.OnionAddress service) {
        clientKeys.remove(service);
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            ConnectOptions options) {
        java.util.Set<ClientAuthPublicKey> authorized = directory.authorizedClients.get(to);
        if (authorized != null && directory.services.containsKey(to)) {
            ClientAuthSecretKey key = options.clientAuthKey()
                    .orElseGet(() -> to.onion().map(clientKeys::get).orElse(null));
            // X25519 public key of the client's secret key, as the descriptor's auth-client lines are matched
            boolean allowed = key != null && authorized.contains(ClientAuthPublicKey.of(
                    org.veilswarm.crypto.X25519.publicKey(key.bytes())));
            if (!allowed) {
                directory.authRefusals.incrementAndGet();
                return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.REFUSED,
                        "CLIENT_AUTHORIZATION_REQUIRED: client authorization required for " + to
                                + (key == null ? " (no key)" : " (key not authorized)")));
            }
        }
        directory.dials.computeIfAbsent(to, x -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        java.util.Queue<TransportException.Reason> failing = failures.get(to);
        TransportException.Reason failure = failing == null ? null : failing.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(new TransportException(failure,
                    "injected: circuits to " + to + " failed (" + failure + ")"));
        }
        TransportAddress local = to.isOnion() ? directory.services.get(to) : null;
        if (local == null) {
            directory.misses.incrementAndGet();
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.NOT_FOUND,
                    "no onion service " + to));
        }
        return loopback.connect(local, initializer);
    }

    @Override
    public RelayCounters relayCounters() {
        return RelayCounters.NONE;
    }

    @Override
    public void close() {
        loopback.close();
    }
}
