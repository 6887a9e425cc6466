package org.veilswarm.share.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ListenOptions;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.PersistentListen;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.swarm.engine.SwarmEngine;

/**
 * The shares' own onion services (issue 5, K-way multiplexing): on every bound anonymous transport, each wanted
 * service key listens at the swarm engine's peer port, and the streams it accepts become peers of the engine that
 * answer with the service's own peer id ({@link SwarmEngine#peerAcceptor}), so a downloader connected to all K
 * services of a share holds K peer connections. {@link #follow} is called with what is wanted now (the caller
 * checks every second and after each change) and opens what is missing, closes what is no longer wanted: a share
 * removed or revoked, a transport unbound. Listens that fail (an onion transport without a directory yet, tor
 * bootstrapping) are retried by {@link PersistentListen}.
 */
final class ShareServiceListeners implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.share");
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);

    /** One service on one transport. Transports compare by identity (DS hands out one object per service). */
    private record Slot(Transport transport, OnionAddress service) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Slot s && s.transport == transport && s.service.equals(service);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(transport) * 31 + service.hashCode();
        }
    }

    private final SwarmEngine engine;
    private final int port;
    private final Map<Slot, PersistentListen> open = new HashMap<>();
    /** Services with client authorization not listened on a transport without it (logged once each). */
    private final Set<Slot> skipped = new HashSet<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veilswarm-share-services");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    ShareServiceListeners(SwarmEngine engine, int port) {
        this.engine = engine;
        this.port = port;
    }

    /** The peer id service {@code key} presents: stable while the engine runs, different for each service. */
    byte[] peerId(ServiceKey key) {
        return engine.servicePeerId(key.address().publicKey());
    }

    /**
     * Listens for each of {@code keys} on each anonymous transport of {@code transports} (the others are
     * ignored: the direct transport has no onion services), and stops every other listener opened here.
     */
    synchronized void follow(List<ServiceKey> keys, List<Transport> transports) {
        follow(keys, Map.of(), transports);
    }

    /**
     * As {@link #follow(List, List)}, a service listed in {@code options} listening with its options: one with
     * client authorization only on transports that {@link Transport#supportsClientAuthorization() support it}
     * (elsewhere it would be refused, or worse, public), skipped with one INFO line per transport.
     */
    synchronized void follow(List<ServiceKey> keys, Map<OnionAddress, ListenOptions> options,
            List<Transport> transports) {
        if (closed) {
            return;
        }
        Map<Slot, ServiceKey> wanted = new HashMap<>();
        for (Transport t : transports) {
            if (t.info().anonymity() == org.veilswarm.api.transport.Anonymity.NONE) {
                continue;
            }
            for (ServiceKey key : keys) {
                ListenOptions o = options.getOrDefault(key.address(), ListenOptions.PUBLIC);
                if (o.clientAuthorization() && !t.supportsClientAuthorization()) {
                    if (skipped.add(new Slot(t, key.address()))) {
                        LOG.log(System.Logger.Level.INFO, "share service " + key.address() + " needs client "
                                + "authorization, which the " + t.info().scheme() + " transport does not support: "
                                + "not published there");
                    }
                    continue;
                }
                wanted.put(new Slot(t, key.address()), key);
            }
        }
        for (Map.Entry<Slot, PersistentListen> e : new ArrayList<>(open.entrySet())) {
            if (!wanted.containsKey(e.getKey())) {
                open.remove(e.getKey());
                e.getValue().closeAsync();
                LOG.log(System.Logger.Level.INFO, "share service " + e.getKey().service() + " withdrawn from "
                        + e.getKey().transport().info().scheme());
            }
        }
        wanted.forEach((slot, key) -> {
            if (open.containsKey(slot)) {
                return;
            }
            String scheme = slot.transport().info().scheme();
            AtomicInteger failures = new AtomicInteger();
            PersistentListen listen = PersistentListen.start(slot.transport(), key, port,
                    engine.peerAcceptor(scheme, peerId(key)), options.getOrDefault(key.address(), ListenOptions.PUBLIC),
                    retries, FIRST_RETRY, MAX_RETRY, (error, retryIn) ->
                            LOG.log(failures.getAndIncrement() == 0 ? System.Logger.Level.WARNING
                                    : System.Logger.Level.DEBUG, "share service " + slot.service() + " on " + scheme
                                    + " port " + port + ": " + error.getMessage() + " (trying again in "
                                    + retryIn.toSeconds() + " s)"));
            listen.listener().thenAccept(l -> LOG.log(System.Logger.Level.INFO, "share service " + l.address()
                    + " published on " + scheme));
            open.put(slot, listen);
        });
    }

    /** The services that listen now (on at least one transport). */
    synchronized Set<OnionAddress> listening() {
        Set<OnionAddress> services = new HashSet<>();
        open.forEach((slot, listen) -> {
            java.util.concurrent.CompletableFuture<Listener> f = listen.listener();
            if (f.isDone() && !f.isCompletedExceptionally() && f.join().isOpen()) {
                services.add(slot.service());
            }
        });
        return services;
    }

    @Override
    public synchronized void close() {
        closed = true;
        open.values().forEach(PersistentListen::closeAsync);
        open.clear();
        retries.shutdownNow();
    }
}
