package org.veilswarm.transport.onion.service;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.transport.onion.stream.LocalServices;

/**
 * One published service per key, however many ports listen under it. A node's tracker and swarm engine both
 * listen under the node's key: published separately they would upload two descriptors for one address, the
 * HSDirs keep only the latest (rend-spec-v3 §2.2.x: one descriptor per blinded key), and streams to the other
 * port would be refused. C tor does the same with several {@code Port} lines in one {@code ADD_ONION}.
 *
 * <p>The first listen for a key publishes; later ones add their port to the same stream table and complete
 * with the same publication; closing a port's listener removes the port, and the last one withdraws the
 * service. A publication that fails fails every port waiting on it and is forgotten, so a retry publishes anew.
 */
final class ServicePorts {
    private final Map<OnionAddress, Publication> byAddress = new HashMap<>();
    private final Publisher publisher;

    /** Publishes a key's service with a stream table; called once per publication. */
    interface Publisher {
        CompletableFuture<OnionService> publish(ServiceKey key, int firstPort, LocalServices streams);
    }

    ServicePorts(Publisher publisher) {
        this.publisher = publisher;
    }

    /** Serves {@code port} under {@code key}, publishing the key's service if no port serves it yet. */
    CompletableFuture<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        OnionAddress address = key.address();
        Publication publication;
        AutoCloseable registration;
        boolean first;
        synchronized (byAddress) {
            publication = byAddress.get(address);
            first = publication == null;
            if (first) {
                publication = new Publication(address);
            }
            try {
                registration = publication.streams.register(port, childInitializer);
            } catch (IllegalArgumentException | IllegalStateException badOrTakenPort) {
                return CompletableFuture.failedFuture(badOrTakenPort);
            }
            publication.ports++;
            if (first) {
                byAddress.put(address, publication);
            }
        }
        if (first) {
            Publication started = publication;
            publisher.publish(key, port, started.streams).whenComplete((service, failure) -> {
                if (failure != null) {
                    synchronized (byAddress) {
                        byAddress.remove(address, started);
                    }
                    started.published.completeExceptionally(failure);
                } else {
                    started.published.complete(service);
                }
            });
        }
        Publication joined = publication;
        return joined.published.thenApply(service -> new PortListener(joined, service, port, registration));
    }

    /** One publication of one key: its stream table, its service, and how many ports still want it. */
    private final class Publication {
        final OnionAddress address;
        final LocalServices streams = new LocalServices();
        final CompletableFuture<OnionService> published = new CompletableFuture<>();
        int ports;

        Publication(OnionAddress address) {
            this.address = address;
        }
    }

    private final class PortListener implements Listener {
        private final Publication publication;
        private final OnionService service;
        private final TransportAddress address;
        private final AutoCloseable registration;
        private boolean closed;

        PortListener(Publication publication, OnionService service, int port, AutoCloseable registration) {
            this.publication = publication;
            this.service = service;
            this.address = new TransportAddress(service.address().host(), port);
            this.registration = registration;
        }

        @Override
        public TransportAddress address() {
            return address;
        }

        @Override
        public synchronized boolean isOpen() {
            return !closed && service.isOpen();
        }

        @Override
        public CompletionStage<Void> closeAsync() {
            synchronized (this) {
                if (closed) {
                    return CompletableFuture.completedFuture(null);
                }
                closed = true;
            }
            boolean last;
            synchronized (byAddress) {
                try {
                    registration.close();
                } catch (Exception cannotHappen) {
                    // LocalServices' registrations only remove a map entry
                }
                last = --publication.ports == 0;
                if (last) {
                    byAddress.remove(publication.address, publication);
                }
            }
            return last ? service.closeAsync() : CompletableFuture.completedFuture(null);
        }
    }
}
