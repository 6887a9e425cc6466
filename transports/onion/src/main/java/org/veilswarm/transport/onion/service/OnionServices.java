package org.veilswarm.transport.onion.service;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.DecryptedDescriptor;
import org.veilswarm.transport.onion.hs.DescriptorException;
import org.veilswarm.transport.onion.hs.DescriptorSchedule;
import org.veilswarm.transport.onion.hs.HsDescriptor;
import org.veilswarm.transport.onion.hs.HsDescriptorBuilder;
import org.veilswarm.transport.onion.hs.HsDirException;
import org.veilswarm.transport.onion.hs.HsDirRequests;
import org.veilswarm.transport.onion.hs.HsDirRing;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.IntroPoint;
import org.veilswarm.transport.onion.hs.SharedRandomSource;
import org.veilswarm.transport.onion.hs.TimePeriod;
import org.veilswarm.transport.onion.hs.rend.CircuitFactory;
import org.veilswarm.transport.onion.hs.rend.IntroductionFailedException;
import org.veilswarm.transport.onion.hs.rend.IntroductionTarget;
import org.veilswarm.transport.onion.hs.rend.LinkSpecifiers;
import org.veilswarm.transport.onion.hs.rend.RendCellException;
import org.veilswarm.transport.onion.hs.rend.RendezvousClient;
import org.veilswarm.transport.onion.hs.rend.RendezvousConnection;
import org.veilswarm.transport.onion.hs.rend.RendezvousFailedException;
import org.veilswarm.transport.onion.hs.rend.RendezvousService;
import org.veilswarm.transport.onion.hs.rend.RendezvousTimeoutException;
import org.veilswarm.transport.onion.hs.rend.ServiceIntroPoint;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.path.PathRules;
import org.veilswarm.transport.onion.path.PathSelectionException;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.transport.onion.stream.StreamRefusedException;

/**
 * Onion services over the native transport's circuits (rend-spec-v3), as the transport SPI needs them:
 * {@link #publish} establishes introduction points, builds the descriptor of each period a service must
 * cover (§2.2.4.2) and uploads it to the HSDirs of the hash ring over BEGIN_DIR; {@link #connect} fetches
 * and opens the descriptor, introduces itself, meets the service at a rendezvous point and opens a stream.
 * Failures are {@link OnionServiceException}s naming the step. Plain Java: no OSGi, no threads of its own
 * (every step completes on the event loops of the circuits).
 */
public final class OnionServices implements AutoCloseable {
    /**
     * @param introPoints introduction points per published descriptor (C tor: 3; at most
     *     {@link PathRules#MAX_HOPS} here, as they are picked in one path-selection run)
     * @param stepTimeout one protocol step: INTRO_ESTABLISHED, RENDEZVOUS_ESTABLISHED, INTRODUCE_ACK
     * @param rendezvousTimeout from INTRODUCE_ACK to RENDEZVOUS2 (the service builds a circuit meanwhile)
     * @param hsDirTimeout one HSDir request
     * @param connectRetries further rendezvous attempts with new circuits after a rendezvous failure
     */
    public record Settings(int introPoints, Duration stepTimeout, Duration rendezvousTimeout, Duration hsDirTimeout,
            int connectRetries) {
        public static final Settings DEFAULT = new Settings(3, Duration.ofSeconds(20), Duration.ofSeconds(30),
                Duration.ofSeconds(20), 1);

        public Settings {
            if (introPoints < 1 || introPoints > PathRules.MAX_HOPS) {
                throw new IllegalArgumentException("introPoints must be 1.." + PathRules.MAX_HOPS + ", got " + introPoints);
            }
            Objects.requireNonNull(stepTimeout, "stepTimeout");
            Objects.requireNonNull(rendezvousTimeout, "rendezvousTimeout");
            Objects.requireNonNull(hsDirTimeout, "hsDirTimeout");
            if (connectRetries < 0) {
                throw new IllegalArgumentException("connectRetries must be at least 0");
            }
        }
    }

    private final ServiceCircuits circuits;
    private final HsDirList hsDirs;
    private final HsDirRequests<RelayDescriptor> requests;
    private final Settings settings;
    private final Clock clock;
    private final Random random = new java.security.SecureRandom();
    private final List<PublishedService> published = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param sampler picks the relays of every circuit
     * @param hsDirs lists the HSDirs for the ring
     * @param self this node's relay, never on its own paths (null when not relaying)
     */
    public OnionServices(RelaySampler sampler, HsDirList hsDirs, PathCircuits pathCircuits, RelayDescriptor.Key self,
            Settings settings, Clock clock) {
        this.circuits = new ServiceCircuits(sampler, pathCircuits, self == null ? Set.of() : Set.of(self));
        this.hsDirs = Objects.requireNonNull(hsDirs, "hsDirs");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requests = new HsDirRequests<>(circuits.hsDirConnector(), settings.hsDirTimeout());
    }

    /**
     * Publishes the service of {@code key} on {@code port}: streams to {@code <address>.onion:port} get
     * {@code childInitializer}. Completes once every period's descriptor is stored at one HSDir at least.
     */
    public CompletableFuture<Listener> publish(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(childInitializer, "childInitializer");
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        LocalServices streams = new LocalServices();
        streams.register(port, childInitializer); // checks the port
        OnionAddress address = key.address();
        PublishedService service = new PublishedService(TransportAddress.of(address, port));
        Instant now = clock.instant();
        List<TimePeriod> periods = DescriptorSchedule.servicePeriods(now);
        CompletableFuture<Listener> done = hsDirs.hsDirs().toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new OnionServiceException(
                        OnionServiceException.Failure.NO_DIRECTORY, "cannot list HSDirs: " + unwrap(e).getMessage(),
                        unwrap(e))))
                .thenCompose(relays -> {
                    List<CompletableFuture<Void>> each = new ArrayList<>();
                    for (TimePeriod period : periods) {
                        each.add(publishPeriod(key, period, relays, streams, service, now));
                    }
                    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
                })
                .thenApply(ok -> (Listener) service)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e) instanceof OnionServiceException o ? o
                        : new OnionServiceException(OnionServiceException.Failure.PUBLISH_FAILED, address + ": "
                                + unwrap(e).getMessage(), unwrap(e))));
        return done.whenComplete((listener, failure) -> {
            if (failure != null || closed) {
                service.withdraw();
            } else {
                published.add(service);
            }
        });
    }

    /** One period's descriptor (§2.2.4.2): its own intro points, since the subcredential differs per period. */
    private CompletableFuture<Void> publishPeriod(ServiceKey key, TimePeriod period, Collection<RelayDescriptor> relays,
            LocalServices streams, PublishedService service, Instant now) {
        byte[] identity = key.address().publicKey();
        RendezvousService rendezvous = new RendezvousService(serviceSide(), HsKeys.subcredential(identity, period),
                streams, settings.stepTimeout());
        service.services.add(rendezvous);
        return circuits.distinct(RelayRole.MIDDLE, settings.introPoints()).toCompletableFuture()
                .thenCompose(chosen -> {
                    List<CompletableFuture<ServiceIntroPoint>> establishing = chosen.stream()
                            .map(relay -> rendezvous.establish(RelayTarget.of(relay))).toList();
                    return CompletableFuture.allOf(establishing.stream().map(f -> f.handle((p, e) -> null))
                            .toArray(CompletableFuture[]::new)).thenApply(all -> establishing);
                })
                .thenCompose(establishing -> {
                    List<ServiceIntroPoint> points = establishing.stream().filter(f -> !f.isCompletedExceptionally())
                            .map(CompletableFuture::join).toList();
                    if (points.isEmpty()) {
                        Throwable why = unwrap(establishing.get(0).handle((p, e) -> e).join());
                        throw new CompletionException(new OnionServiceException(
                                OnionServiceException.Failure.PUBLISH_FAILED, "no introduction point could be established "
                                + "for period " + period.number() + ": " + why, why));
                    }
                    HsDescriptor descriptor = descriptor(key, period, points, now);
                    HsDirRing<RelayDescriptor> ring = HsDirRing.ofRelays(relays, period, SharedRandomSource.none());
                    return requests.publish(ring, descriptor);
                })
                .thenAccept(outcomes -> {
                    if (outcomes.values().stream().noneMatch(Objects::isNull)) {
                        Throwable first = outcomes.values().stream().findFirst().orElse(null);
                        throw new CompletionException(new OnionServiceException(
                                OnionServiceException.Failure.PUBLISH_FAILED, "no HSDir of " + outcomes.size()
                                + " stored the descriptor for period " + period.number() + ": " + first, first));
                    }
                });
    }

    private static HsDescriptor descriptor(ServiceKey key, TimePeriod period, List<ServiceIntroPoint> points,
            Instant now) {
        byte[] secret = key.expandedSecretKey();
        try {
            HsDescriptorBuilder builder = new HsDescriptorBuilder(key.address().publicKey(), secret, period);
            for (ServiceIntroPoint point : points) {
                RelayTarget relay = point.relay();
                builder.introPoint(new HsDescriptorBuilder.IntroPointSpec(LinkSpecifiers.encode(relay),
                        relay.ntorOnionKey(), point.authKey(), point.encKey()));
            }
            return builder.build(now);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Connects to the onion service at {@code to} ({@code <address>.onion:port}); the stream channel gets
     * {@code initializer}. The rendezvous circuit is closed with the stream.
     */
    public CompletableFuture<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(initializer, "initializer");
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        OnionAddress address = to.onion().orElseThrow(() -> new IllegalArgumentException("not an onion address: " + to));
        Instant now = clock.instant();
        TimePeriod period = DescriptorSchedule.clientPeriod(now);
        return hsDirs.hsDirs().toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new OnionServiceException(
                        OnionServiceException.Failure.NO_DIRECTORY, "cannot list HSDirs: " + unwrap(e).getMessage(),
                        unwrap(e))))
                .thenCompose(relays -> requests.fetch(HsDirRing.ofRelays(relays, period, SharedRandomSource.none()),
                        address, period, null, now, random)
                        .exceptionallyCompose(e -> CompletableFuture.failedFuture(fetchFailure(address, unwrap(e)))))
                .thenApply(descriptor -> targets(address, descriptor, HsKeys.subcredential(address.publicKey(), period)))
                .thenCompose(targets -> rendezvous(address, to.port(), targets, initializer, settings.connectRetries()));
    }

    private static List<IntroductionTarget> targets(OnionAddress address, DecryptedDescriptor descriptor,
            byte[] subcredential) {
        List<IntroductionTarget> targets = new ArrayList<>();
        RendCellException last = null;
        for (IntroPoint point : descriptor.secondLayer().introPoints()) {
            try {
                targets.add(IntroductionTarget.of(point, subcredential));
            } catch (RendCellException e) {
                last = e; // a point we cannot reach (e.g. IPv6 only here); the others may do
            }
        }
        if (targets.isEmpty()) {
            throw new CompletionException(new OnionServiceException(OnionServiceException.Failure.DESCRIPTOR_INVALID,
                    "the descriptor of " + address + " lists no usable introduction point", last));
        }
        return targets;
    }

    private CompletableFuture<Channel> rendezvous(OnionAddress address, int port, List<IntroductionTarget> targets,
            ChannelInitializer<Channel> initializer, int retriesLeft) {
        return circuits.pickRendezvousPoint().toCompletableFuture()
                .thenCompose(point -> new RendezvousClient(clientSide(point), settings.stepTimeout(),
                        settings.rendezvousTimeout()).connectAny(targets))
                .thenCompose(connection -> open(connection, address, port, initializer))
                .handle((channel, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(channel);
                    }
                    Throwable cause = unwrap(failure);
                    // A new rendezvous point and new circuits may do where a relay on the way failed; a refusal
                    // by every intro point or by the service itself will not change.
                    boolean retry = cause instanceof RendezvousTimeoutException || cause instanceof RendezvousFailedException
                            || cause instanceof PathSelectionException;
                    if (retry && retriesLeft > 0 && !closed) {
                        return rendezvous(address, port, targets, initializer, retriesLeft - 1);
                    }
                    return CompletableFuture.<Channel>failedFuture(connectFailure(address, cause));
                })
                .thenCompose(next -> next);
    }

    private static CompletableFuture<Channel> open(RendezvousConnection connection, OnionAddress address, int port,
            ChannelInitializer<Channel> initializer) {
        CompletableFuture<Channel> stream = new CompletableFuture<>();
        connection.open(address.hostName(), port, initializer).addListener(done -> {
            if (done.isSuccess()) {
                Channel channel = (Channel) done.getNow();
                // One stream per rendezvous circuit: the circuit has no other use.
                channel.closeFuture().addListener(closed -> connection.close());
                stream.complete(channel);
            } else {
                connection.close();
                stream.completeExceptionally(done.cause());
            }
        });
        return stream;
    }

    private static OnionServiceException fetchFailure(OnionAddress address, Throwable cause) {
        if (cause instanceof OnionServiceException e) {
            return e;
        }
        if (cause instanceof HsDirException e && e.notFound()) {
            return new OnionServiceException(OnionServiceException.Failure.DESCRIPTOR_NOT_FOUND,
                    "no HSDir of the fetch set has a descriptor for " + address, e);
        }
        if (cause instanceof DescriptorException e) {
            return new OnionServiceException(OnionServiceException.Failure.DESCRIPTOR_INVALID,
                    "the descriptor of " + address + " does not open: " + e.getMessage(), e);
        }
        return new OnionServiceException(OnionServiceException.Failure.HSDIR_UNREACHABLE,
                "fetching the descriptor of " + address + ": " + cause, cause);
    }

    private static OnionServiceException connectFailure(OnionAddress address, Throwable cause) {
        OnionServiceException.Failure failure;
        if (cause instanceof OnionServiceException e) {
            return e;
        } else if (cause instanceof IntroductionFailedException) {
            failure = OnionServiceException.Failure.INTRODUCTION_FAILED;
        } else if (cause instanceof RendezvousTimeoutException) {
            failure = OnionServiceException.Failure.RENDEZVOUS_TIMEOUT;
        } else if (cause instanceof RendezvousFailedException) {
            failure = OnionServiceException.Failure.RENDEZVOUS_FAILED;
        } else if (cause instanceof StreamRefusedException) {
            failure = OnionServiceException.Failure.STREAM_REFUSED;
        } else if (cause instanceof PathSelectionException) {
            failure = OnionServiceException.Failure.NO_CIRCUIT;
        } else {
            failure = OnionServiceException.Failure.RENDEZVOUS_FAILED;
        }
        return new OnionServiceException(failure, address + ": " + cause.getMessage(), cause);
    }

    /** The service side never picks a rendezvous point: the client names it in INTRODUCE2. */
    private CircuitFactory serviceSide() {
        return new CircuitFactory() {
            @Override
            public CompletableFuture<OriginCircuit> build(RelayTarget last) {
                return circuits.to(last);
            }

            @Override
            public RelayTarget pickRendezvousPoint() {
                throw new UnsupportedOperationException("the service side does not pick rendezvous points");
            }
        };
    }

    /** The client side with a rendezvous point picked beforehand (the pick may wait on the directory). */
    private CircuitFactory clientSide(RelayTarget rendezvousPoint) {
        return new CircuitFactory() {
            @Override
            public CompletableFuture<OriginCircuit> build(RelayTarget last) {
                return circuits.to(last);
            }

            @Override
            public RelayTarget pickRendezvousPoint() {
                return rendezvousPoint;
            }
        };
    }

    /** Services published and not yet withdrawn. */
    public int publishedCount() {
        return published.size();
    }

    /** Withdraws every published service; later calls fail with {@link OnionServiceException.Failure#CLOSED}. */
    @Override
    public void close() {
        closed = true;
        for (PublishedService service : published) {
            service.withdraw();
        }
    }

    private static OnionServiceException closedException() {
        return new OnionServiceException(OnionServiceException.Failure.CLOSED, "onion services are closed", null);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * A published service. Withdrawing closes its intro circuits (so introductions fail at once, §3.1) and its
     * joined circuits; the descriptor stays at the HSDirs until it expires, as in C tor (there is no delete).
     */
    private final class PublishedService implements Listener {
        private final TransportAddress address;
        private final List<RendezvousService> services = new CopyOnWriteArrayList<>();
        private volatile boolean open = true;

        PublishedService(TransportAddress address) {
            this.address = address;
        }

        @Override
        public TransportAddress address() {
            return address;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        void withdraw() {
            open = false;
            services.forEach(RendezvousService::close);
            published.remove(this);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> closeAsync() {
            withdraw();
            return CompletableFuture.completedFuture(null);
        }
    }
}
