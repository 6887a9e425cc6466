package org.veilswarm.transport.onion.service;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutionException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.transport.onion.circuit.FutureStages;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.DecryptedDescriptor;
import org.veilswarm.transport.onion.hs.DescriptorException;
import org.veilswarm.transport.onion.hs.DescriptorSchedule;
import org.veilswarm.transport.onion.hs.HsDirException;
import org.veilswarm.transport.onion.hs.HsDirRequests;
import org.veilswarm.transport.onion.hs.HsDirRing;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.IntroPoint;
import org.veilswarm.transport.onion.hs.SecondLayer;
import org.veilswarm.transport.onion.hs.SharedRandomSource;
import org.veilswarm.transport.onion.hs.TimePeriod;
import org.veilswarm.transport.onion.hs.rend.CircuitFactory;
import org.veilswarm.transport.onion.hs.rend.IntroductionFailedException;
import org.veilswarm.transport.onion.hs.rend.IntroductionTarget;
import org.veilswarm.transport.onion.hs.rend.RendCellException;
import org.veilswarm.transport.onion.hs.rend.RendezvousClient;
import org.veilswarm.transport.onion.hs.rend.RendezvousConnection;
import org.veilswarm.transport.onion.hs.rend.RendezvousFailedException;
import org.veilswarm.transport.onion.hs.rend.RendezvousTimeoutException;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.path.PathRules;
import org.veilswarm.transport.onion.path.PathSelectionException;
import org.veilswarm.transport.onion.stream.FlowControl;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.transport.onion.stream.StreamRefusedException;

/**
 * Onion services over the native transport's circuits (rend-spec-v3), as the transport SPI needs them:
 * {@link #publish} establishes introduction points, builds the descriptor of each period a service must
 * cover (§2.2.4.2) and uploads it to the HSDirs of the hash ring over BEGIN_DIR, then keeps the service
 * reachable ({@link OnionService}: replaced intro points, periodic re-uploads) until it is closed;
 * {@link #connect} fetches and opens the descriptor, introduces itself, meets the service at a rendezvous
 * point and opens a stream. {@link #publishAll} and {@link #connectAll} are the K-way multiplexing of a
 * share over several services. Failures are {@link OnionServiceException}s naming the step. Plain Java: no
 * OSGi, no threads of its own (steps complete on the event loops of the circuits, timers run on the
 * scheduler it is given).
 */
public final class OnionServices implements AutoCloseable {
    /**
     * @param introPoints introduction points per published descriptor (C tor: 3; at most
     *     {@link PathRules#MAX_HOPS} here, as they are picked in one path-selection run)
     * @param stepTimeout one protocol step: INTRO_ESTABLISHED, RENDEZVOUS_ESTABLISHED, INTRODUCE_ACK
     * @param rendezvousTimeout from INTRODUCE_ACK to RENDEZVOUS2 (the service builds a circuit meanwhile)
     * @param hsDirTimeout one HSDir request
     * @param connectRetries further rendezvous attempts with new circuits after a rendezvous failure
     * @param reuploadMin shortest delay before a published descriptor is uploaded again (§2.2.2: 60 minutes)
     * @param reuploadMax longest such delay (§2.2.2: 120 minutes); each delay is drawn between the two
     * @param retryDelay wait before a service tries again what failed: a replacement intro point, an upload
     * @param flowControl what our services offer and our clients ask for on rendezvous circuits (proposal 324 §9):
     *     {@link FlowControl#CONGESTION_CONTROL} by default; {@link FlowControl#FIXED_WINDOWS} keeps tor-spec §7's
     *     fixed windows (a client still uses them with a service whose descriptor offers no congestion control)
     */
    public record Settings(int introPoints, Duration stepTimeout, Duration rendezvousTimeout, Duration hsDirTimeout,
            int connectRetries, Duration reuploadMin, Duration reuploadMax, Duration retryDelay, FlowControl flowControl) {
        /** How long a service waits before retrying what failed, by default. */
        public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(15);
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
            if (reuploadMin.isNegative() || reuploadMin.isZero() || reuploadMax.compareTo(reuploadMin) < 0) {
                throw new IllegalArgumentException("re-upload delays need 0 < min <= max, got " + reuploadMin + ", "
                        + reuploadMax);
            }
            if (retryDelay.isNegative() || retryDelay.isZero()) {
                throw new IllegalArgumentException("retryDelay must be positive, got " + retryDelay);
            }
            Objects.requireNonNull(flowControl, "flowControl");
        }

        /** With congestion control offered and asked for (the default). */
        public Settings(int introPoints, Duration stepTimeout, Duration rendezvousTimeout, Duration hsDirTimeout,
                int connectRetries, Duration reuploadMin, Duration reuploadMax, Duration retryDelay) {
            this(introPoints, stepTimeout, rendezvousTimeout, hsDirTimeout, connectRetries, reuploadMin, reuploadMax,
                    retryDelay, FlowControl.CONGESTION_CONTROL);
        }

        /** With the re-upload schedule of §2.2.2 (60–120 minutes) and the default retry delay. */
        public Settings(int introPoints, Duration stepTimeout, Duration rendezvousTimeout, Duration hsDirTimeout,
                int connectRetries) {
            this(introPoints, stepTimeout, rendezvousTimeout, hsDirTimeout, connectRetries,
                    DescriptorSchedule.MIN_REUPLOAD, DescriptorSchedule.MAX_REUPLOAD, DEFAULT_RETRY_DELAY);
        }

        /** These settings with another re-upload schedule and retry delay (tests run them in seconds). */
        public Settings withSchedule(Duration reuploadMin, Duration reuploadMax, Duration retryDelay) {
            return new Settings(introPoints, stepTimeout, rendezvousTimeout, hsDirTimeout, connectRetries, reuploadMin,
                    reuploadMax, retryDelay, flowControl);
        }

        /** These settings with another flow control on rendezvous circuits. */
        public Settings withFlowControl(FlowControl flowControl) {
            return new Settings(introPoints, stepTimeout, rendezvousTimeout, hsDirTimeout, connectRetries, reuploadMin,
                    reuploadMax, retryDelay, flowControl);
        }
    }

    private final ServiceCircuits circuits;
    private final HsDirList hsDirs;
    private final HsDirRequests<RelayDescriptor> requests;
    private final Settings settings;
    private final Clock clock;
    private final ServiceContext context;
    private final ServicePorts ports;
    private final Random random = new java.security.SecureRandom();
    private final List<OnionService> published = new CopyOnWriteArrayList<>();
    private final ServiceStatistics statistics = new ServiceStatistics();
    /** X25519 secret keys (KS_hsc_desc_enc) this client holds for services with client authorization. */
    private final Map<OnionAddress, byte[]> clientKeys = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile IntroPointRotation rotation = IntroPointRotation.DEFAULT;

    /**
     * @param sampler picks the relays of every circuit
     * @param hsDirs lists the HSDirs for the ring
     * @param self this node's relay, never on its own paths (null when not relaying)
     * @param scheduler runs the timers of published services (re-uploads, retries); e.g. the transport's
     *     event-loop group. Nothing blocks on it.
     */
    public OnionServices(RelaySampler sampler, HsDirList hsDirs, PathCircuits pathCircuits, RelayDescriptor.Key self,
            Settings settings, Clock clock, ScheduledExecutorService scheduler) {
        this(sampler, hsDirs, pathCircuits, self, settings, clock, ServiceTimer.on(Objects.requireNonNull(scheduler,
                "scheduler")));
    }

    /** Timers on the JDK's shared delay thread (see {@link ServiceTimer#shared()}); prefer giving a scheduler. */
    public OnionServices(RelaySampler sampler, HsDirList hsDirs, PathCircuits pathCircuits, RelayDescriptor.Key self,
            Settings settings, Clock clock) {
        this(sampler, hsDirs, pathCircuits, self, settings, clock, ServiceTimer.shared());
    }

    private OnionServices(RelaySampler sampler, HsDirList hsDirs, PathCircuits pathCircuits, RelayDescriptor.Key self,
            Settings settings, Clock clock, ServiceTimer timer) {
        this.circuits = new ServiceCircuits(sampler, pathCircuits, self == null ? Set.of() : Set.of(self));
        this.hsDirs = Objects.requireNonNull(hsDirs, "hsDirs");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requests = new HsDirRequests<>(circuits.hsDirConnector(), settings.hsDirTimeout());
        this.context = new ServiceContext(circuits, serviceSide(), hsDirs, requests, settings, clock, timer,
                () -> rotation, statistics);
        this.ports = new ServicePorts((key, port, streams) -> publish(key, port, streams, ServiceOptions.PUBLIC));
    }

    /**
     * Publishes the service of {@code key} on {@code port}: streams to {@code <address>.onion:port} get
     * {@code childInitializer}. Completes once every period's descriptor is stored at one HSDir at least; from
     * then on the service keeps itself reachable (see {@link OnionService}) until it is closed.
     */
    public CompletableFuture<Listener> publish(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(childInitializer, "childInitializer");
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        // Several ports under one key (a node's tracker and swarm engine) share one service: see ServicePorts.
        return ports.listen(key, port, childInitializer);
    }

    /** {@link #publish(ServiceKey, int, ChannelInitializer)} with options (client authorization). */
    public CompletableFuture<OnionService> publish(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            ServiceOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(childInitializer, "childInitializer");
        Objects.requireNonNull(options, "options");
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        LocalServices streams = new LocalServices();
        streams.register(port, childInitializer); // checks the port
        return publish(key, port, streams, options);
    }

    private CompletableFuture<OnionService> publish(ServiceKey key, int port, LocalServices streams,
            ServiceOptions options) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        OnionAddress address = key.address();
        OnionService service = new OnionService(context, key, port, streams, options, withdrawn -> forgetFinished());
        forgetFinished();
        published.add(service);
        return service.start()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e) instanceof OnionServiceException o ? o
                        : new OnionServiceException(OnionServiceException.Failure.PUBLISH_FAILED, address + ": "
                                + unwrap(e).getMessage(), unwrap(e))))
                .whenComplete((listener, failure) -> {
                    if (failure != null || closed) {
                        service.withdraw();
                    }
                })
                .thenApply(ok -> {
                    if (!service.isOpen()) {
                        throw new CompletionException(closedException());
                    }
                    return service;
                });
    }

    /**
     * K-way multiplexing (issue #5): one share published under each of {@code keys} (K services, K addresses,
     * independent intro points and descriptors) on the same port. Completes when all are published; if one
     * fails, those already published are withdrawn and the failure is reported.
     */
    public CompletableFuture<List<OnionService>> publishAll(List<? extends ServiceKey> keys, int port,
            ChannelInitializer<Channel> childInitializer, ServiceOptions options) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("publishAll needs at least one key");
        }
        List<CompletableFuture<OnionService>> each = keys.stream()
                .map(key -> publish(key, port, childInitializer, options)).toList();
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .handle((ok, failure) -> {
                    if (failure != null) {
                        each.forEach(f -> f.thenAccept(OnionService::withdraw));
                        throw new CompletionException(unwrap(failure));
                    }
                    return each.stream().map(CompletableFuture::join).toList();
                });
    }

    /**
     * Registers the X25519 secret key (KS_hsc_desc_enc) this client uses for {@code service}'s descriptor
     * (rend-spec-v3 §2.5.1.2, the keys C tor reads from ClientOnionAuthDir); replaces an earlier one.
     */
    public void clientAuthorization(OnionAddress service, byte[] clientSecretKey) {
        Objects.requireNonNull(service, "service");
        if (clientSecretKey == null || clientSecretKey.length != org.veilswarm.crypto.X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("a client authorization key is an X25519 secret key of 32 bytes");
        }
        byte[] previous = clientKeys.put(service, clientSecretKey.clone());
        if (previous != null) {
            Arrays.fill(previous, (byte) 0);
        }
    }

    /** Forgets the client authorization key of {@code service}. */
    public void removeClientAuthorization(OnionAddress service) {
        byte[] previous = clientKeys.remove(service);
        if (previous != null) {
            Arrays.fill(previous, (byte) 0);
        }
    }

    /**
     * Connects to the onion service at {@code to} ({@code <address>.onion:port}); the stream channel gets
     * {@code initializer}. The rendezvous circuit is closed with the stream.
     */
    public CompletableFuture<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return connect(to, initializer, null, null);
    }

    /**
     * {@link #connect(TransportAddress, ChannelInitializer)} with the X25519 secret key (KS_hsc_desc_enc) of this
     * one attempt, for a service with client authorization (rend-spec-v3 §2.5.1.2); it takes precedence over a
     * key registered with {@link #clientAuthorization}. A public service's descriptor opens with any key.
     */
    public CompletableFuture<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            byte[] clientSecretKey) {
        if (clientSecretKey != null && clientSecretKey.length != org.veilswarm.crypto.X25519.KEY_LENGTH) {
            throw new IllegalArgumentException("a client authorization key is an X25519 secret key of 32 bytes");
        }
        return connect(to, initializer, null, clientSecretKey == null ? null : clientSecretKey.clone());
    }

    /**
     * K-way multiplexing, the client side: one stream to each of {@code services} (a share's K addresses), all
     * started at once, each on its own rendezvous circuit. The client's side of those circuits is chosen
     * disjoint (no guard, middle or rendezvous point shared between them) as far as the directory has relays
     * for it; beyond that they fall back to independent picks. Each stream stands alone, like a peer
     * connection: one failing or closing leaves the others as they are, so the result is one future per
     * address, in order, rather than all-or-nothing.
     */
    public List<CompletableFuture<Channel>> connectAll(List<TransportAddress> services,
            ChannelInitializer<Channel> initializer) {
        Objects.requireNonNull(initializer, "initializer");
        if (services.isEmpty()) {
            throw new IllegalArgumentException("connectAll needs at least one address");
        }
        List<CompletableFuture<Channel>> streams = new ArrayList<>();
        CompletableFuture<Set<RelayDescriptor.Key>> used = CompletableFuture.completedFuture(Set.of());
        for (TransportAddress to : services) {
            CompletableFuture<List<RelayDescriptor>> path = used.thenCompose(exclude -> circuits.rendezvousPath(exclude)
                    .toCompletableFuture().handle((chosen, e) -> e == null ? chosen : null));
            CompletableFuture<Set<RelayDescriptor.Key>> before = used;
            used = path.thenCombine(before, (chosen, exclude) -> {
                Set<RelayDescriptor.Key> more = new java.util.HashSet<>(exclude);
                if (chosen != null) {
                    chosen.forEach(relay -> more.add(relay.identityKey()));
                }
                return more;
            });
            streams.add(path.thenCompose(chosen -> connect(to, initializer, chosen, null)));
        }
        return streams;
    }

    /**
     * {@link #attempt}, its outcome counted for {@link #counts()} (a stream, or the step that failed).
     *
     * @param rendezvousPath guard, middle and rendezvous point for the first attempt, or null to pick them
     * @param oneTimeClientKey the client authorization key of this attempt (a copy the fetch consumes), or null for
     *     the one registered for the address, if any
     */
    private CompletableFuture<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            List<RelayDescriptor> rendezvousPath, byte[] oneTimeClientKey) {
        CompletableFuture<Channel> connect = attempt(to, initializer, rendezvousPath, oneTimeClientKey);
        connect.whenComplete((channel, failure) -> statistics.connectEnded(failure));
        return connect;
    }

    /** One connect: the descriptor from the HSDirs, then the introduction and the rendezvous (§2.2, §3). */
    private CompletableFuture<Channel> attempt(TransportAddress to, ChannelInitializer<Channel> initializer,
            List<RelayDescriptor> rendezvousPath, byte[] oneTimeClientKey) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(initializer, "initializer");
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        OnionAddress address = to.onion().orElseThrow(() -> new IllegalArgumentException("not an onion address: " + to));
        Instant now = clock.instant();
        TimePeriod period = DescriptorSchedule.clientPeriod(now);
        byte[] clientKey = oneTimeClientKey != null ? oneTimeClientKey : clientKeys.get(address);
        return hsDirs.hsDirs().toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new OnionServiceException(
                        OnionServiceException.Failure.NO_DIRECTORY, "cannot list HSDirs: " + unwrap(e).getMessage(),
                        unwrap(e))))
                .thenCompose(relays -> {
                    HsDirRing<RelayDescriptor> ring = HsDirRing.ofRelays(relays, period, SharedRandomSource.none());
                    return requests.fetch(ring, address, period, clientKey == null ? null : clientKey.clone(), now,
                                    random)
                            .exceptionallyCompose(e -> CompletableFuture.failedFuture(fetchFailure(address, unwrap(e))))
                            .thenCompose(descriptor -> introduce(new Introduction(address, to.port(), period, now, ring,
                                    clientKey), descriptor, initializer, rendezvousPath));
                })
                .whenComplete((channel, failure) -> {
                    if (oneTimeClientKey != null) {
                        Arrays.fill(oneTimeClientKey, (byte) 0); // kept for a refetch until the connect ends
                    }
                });
    }

    /** What a connect needs to fetch the descriptor of {@code address} again. */
    private record Introduction(OnionAddress address, int port, TimePeriod period, Instant now,
            HsDirRing<RelayDescriptor> ring, byte[] clientKey) {
    }

    /**
     * Introduces at the descriptor's intro points, one after the other (§3.2); when every one failed, looks once
     * more at the HSDirs for a descriptor naming other intro points ({@link DescriptorRefetch}: the service may
     * have moved them since the copy we got was uploaded) and introduces at those. Which failure comes out says
     * whether asking again may help: {@link OnionServiceException.Failure#INTRODUCTION_FAILED} (reason REFUSED)
     * only when the intro points refused and the network has nothing newer, else
     * {@link OnionServiceException.Failure#INTRODUCTION_INTERRUPTED}.
     */
    private CompletableFuture<Channel> introduce(Introduction intro, DecryptedDescriptor descriptor,
            ChannelInitializer<Channel> initializer, List<RelayDescriptor> rendezvousPath) {
        byte[] subcredential = HsKeys.subcredential(intro.address().publicKey(), intro.period());
        List<IntroductionTarget> targets = targets(intro.address(), descriptor, subcredential);
        FlowControl flow = flowControlFor(intro.address(), descriptor);
        return rendezvous(intro.address(), intro.port(), targets, initializer, settings.connectRetries(),
                rendezvousPath, flow)
                .exceptionallyCompose(e -> {
                    Throwable cause = unwrap(e);
                    if (!(cause instanceof IntroductionFailedException failed) || closed) {
                        return CompletableFuture.failedFuture(connectFailure(intro.address(), cause));
                    }
                    Set<java.nio.ByteBuffer> tried = DescriptorRefetch.authKeys(descriptor);
                    byte[] clientKey = intro.clientKey();
                    return DescriptorRefetch.withOtherIntroPoints(circuits.hsDirConnector(), settings.hsDirTimeout(),
                                    intro.ring(), intro.address(), intro.period(),
                                    clientKey == null ? null : clientKey.clone(), intro.now(), random, tried)
                            .exceptionally(refetchError -> java.util.Optional.empty())
                            .thenCompose(fresh -> {
                                if (fresh.isEmpty() || closed) {
                                    return CompletableFuture.<Channel>failedFuture(introductionFailure(intro.address(),
                                            failed, false));
                                }
                                List<IntroductionTarget> untried = targets(intro.address(), fresh.get(), subcredential)
                                        .stream().filter(t -> !tried.contains(java.nio.ByteBuffer.wrap(t.authKey())))
                                        .toList();
                                if (untried.isEmpty()) {
                                    return CompletableFuture.<Channel>failedFuture(introductionFailure(intro.address(),
                                            failed, false));
                                }
                                return rendezvous(intro.address(), intro.port(), untried, initializer,
                                        settings.connectRetries(), null, flowControlFor(intro.address(), fresh.get()))
                                        .exceptionallyCompose(again -> CompletableFuture.failedFuture(
                                                unwrap(again) instanceof IntroductionFailedException stillFailed
                                                        ? introductionFailure(intro.address(), stillFailed, true)
                                                        : connectFailure(intro.address(), unwrap(again))));
                            });
                });
    }

    /** The settings this node's services and clients run with. */
    public Settings settings() {
        return settings;
    }

    /**
     * Every intro point failed: REFUSED when each of them refused (the intro point no longer knows the service,
     * rend-spec-v3 §3.2: INTRODUCE_ACK status 1, or status 2) and {@code descriptorMoved} is false; otherwise —
     * an intro point unreachable or silent, or the fresher descriptor's points failing too (the service is
     * alive and moving them) — a failure worth another try.
     */
    private static OnionServiceException introductionFailure(OnionAddress address, IntroductionFailedException cause,
            boolean descriptorMoved) {
        boolean refused = refusal(cause);
        for (Throwable earlier : cause.getSuppressed()) {
            refused &= earlier instanceof IntroductionFailedException e && refusal(e);
        }
        if (refused && !descriptorMoved) {
            return new OnionServiceException(OnionServiceException.Failure.INTRODUCTION_FAILED, address + ": every "
                    + "introduction point refused and no HSDir has a descriptor naming others (" + cause.getMessage()
                    + ")", cause);
        }
        return new OnionServiceException(OnionServiceException.Failure.INTRODUCTION_INTERRUPTED, address + ": "
                + (descriptorMoved ? "the service moved its introduction points and the new ones failed too ("
                : "no introduction point answered (") + cause.getMessage() + ")", cause);
    }

    private static boolean refusal(IntroductionFailedException e) {
        return e.reason() == IntroductionFailedException.Reason.SERVICE_NOT_RECOGNIZED
                || e.reason() == IntroductionFailedException.Reason.BAD_MESSAGE_FORMAT;
    }

    /**
     * Proposal 324 §9.1: congestion control when our settings want it and the descriptor offers FlowCtrl version 2
     * with a sendme increment within a factor of 2 of ours (then the service's increment is used, as it is the one
     * its side of the circuit counts with); fixed windows when it offers none. An increment out of that range
     * makes the descriptor invalid ("they MUST reject the descriptor").
     */
    private FlowControl flowControlFor(OnionAddress address, DecryptedDescriptor descriptor) {
        FlowControl wanted = settings.flowControl();
        if (!wanted.isCongestionControl()) {
            return FlowControl.FIXED_WINDOWS;
        }
        java.util.Optional<SecondLayer.FlowControlLine> offered;
        try {
            offered = descriptor.secondLayer().flowControl();
        } catch (DescriptorException e) {
            throw new CompletionException(new OnionServiceException(OnionServiceException.Failure.DESCRIPTOR_INVALID,
                    "the descriptor of " + address + " has a malformed flow-control line: " + e.getMessage(), e));
        }
        if (offered.isEmpty() || !offered.get().supports(2)) {
            return FlowControl.FIXED_WINDOWS;
        }
        int theirs = offered.get().sendmeIncrement();
        int ours = wanted.sendmeIncrement();
        if (2 * theirs < ours || theirs > 2 * ours) {
            throw new CompletionException(new OnionServiceException(OnionServiceException.Failure.DESCRIPTOR_INVALID,
                    "the descriptor of " + address + " asks for a SENDME every " + theirs + " cells, not within a "
                            + "factor of 2 of " + ours + " (proposal 324 §9.1)", null));
        }
        return FlowControl.congestionControl(theirs);
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

    /** Fails with the step's own exception (an {@link IntroductionFailedException}, say), not yet mapped. */
    private CompletableFuture<Channel> rendezvous(OnionAddress address, int port, List<IntroductionTarget> targets,
            ChannelInitializer<Channel> initializer, int retriesLeft, List<RelayDescriptor> rendezvousPath,
            FlowControl flow) {
        CompletableFuture<CircuitFactory> factory = rendezvousPath != null
                ? CompletableFuture.completedFuture(clientSide(rendezvousPath))
                : circuits.pickRendezvousPoint().toCompletableFuture().thenApply(this::clientSide);
        return factory
                .thenCompose(side -> new RendezvousClient(side, settings.stepTimeout(),
                        settings.rendezvousTimeout()).connectAny(targets, flow))
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
                        return rendezvous(address, port, targets, initializer, retriesLeft - 1, null, flow);
                    }
                    return CompletableFuture.<Channel>failedFuture(cause);
                })
                .thenCompose(next -> next);
    }

    private static CompletableFuture<Channel> open(RendezvousConnection connection, OnionAddress address, int port,
            ChannelInitializer<Channel> initializer) {
        CompletableFuture<Channel> stream = FutureStages.of(connection.open(address.hostName(), port, initializer));
        return stream.whenComplete((channel, failed) -> {
            if (failed == null) {
                // One stream per rendezvous circuit: the circuit has no other use.
                channel.closeFuture().addListener(closed -> connection.close());
            } else {
                connection.close();
            }
        });
    }

    private static OnionServiceException fetchFailure(OnionAddress address, Throwable cause) {
        if (cause instanceof OnionServiceException e) {
            return e;
        }
        if (cause instanceof HsDirException e && e.notFound()) {
            return new OnionServiceException(OnionServiceException.Failure.DESCRIPTOR_NOT_FOUND,
                    "no HSDir of the fetch set has a descriptor for " + address, e);
        }
        if (cause instanceof DescriptorException e && e.reason() == DescriptorException.Reason.NOT_AUTHORIZED) {
            return new OnionServiceException(OnionServiceException.Failure.CLIENT_AUTHORIZATION_REQUIRED,
                    "client authorization required: the descriptor of " + address + " opens only for its authorized "
                    + "clients (" + e.getMessage() + ")", e);
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

    /**
     * The client side with its rendezvous circuit chosen beforehand: exactly {@code path} (guard, middle,
     * rendezvous point); other circuits (to the intro point) are picked as usual.
     */
    private CircuitFactory clientSide(List<RelayDescriptor> path) {
        RelayTarget rendezvousPoint = RelayTarget.of(path.get(path.size() - 1));
        return new CircuitFactory() {
            @Override
            public CompletableFuture<OriginCircuit> build(RelayTarget last) {
                return last.equals(rendezvousPoint) ? circuits.through(path) : circuits.to(last);
            }

            @Override
            public RelayTarget pickRendezvousPoint() {
                return rendezvousPoint;
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

    /**
     * When the services' intro points are replaced while they still work (by default C tor's: 16384-32768
     * introductions or 18-24 h); applies to intro points established from now on.
     */
    public void introPointRotation(IntroPointRotation rotation) {
        this.rotation = Objects.requireNonNull(rotation, "rotation");
    }

    /** Services published and not yet withdrawn. */
    public int publishedCount() {
        return (int) published.stream().filter(OnionService::isOpen).count();
    }

    /**
     * What these services and connects did since they started (introductions, rendezvous, uploads, connects) and
     * what is open now: the transport's {@code serviceCounts()}.
     */
    public ServiceCounts counts() {
        int connections = published.stream().mapToInt(OnionService::openConnections).sum();
        return statistics.snapshot(publishedCount(), connections);
    }

    /**
     * Withdrawn services stay listed while their rendezvous circuits carry accepted streams, so that
     * {@link #close()} can end those; the others are dropped.
     */
    private void forgetFinished() {
        published.removeIf(service -> !service.isOpen() && service.openConnections() == 0);
    }

    /**
     * Withdraws every published service and closes the streams they accepted; later calls fail with
     * {@link OnionServiceException.Failure#CLOSED}.
     */
    @Override
    public void close() {
        closed = true;
        for (OnionService service : published) {
            service.shutdown();
        }
        published.clear();
        clientKeys.values().forEach(key -> Arrays.fill(key, (byte) 0));
        clientKeys.clear();
    }

    private static OnionServiceException closedException() {
        return new OnionServiceException(OnionServiceException.Failure.CLOSED, "onion services are closed", null);
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
