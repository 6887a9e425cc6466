package org.veilswarm.transport.onion.hs.rend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.X25519;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.stream.FlowControl;
import org.veilswarm.transport.onion.stream.StreamAcceptor;

/**
 * The service side of rend-spec-v3 §3: establishes introduction points on circuits it builds
 * (ESTABLISH_INTRO with fresh per-intro-point keys), and on each authentic, fresh INTRODUCE2 builds
 * its own circuit to the client's rendezvous point, sends RENDEZVOUS1 and takes the client's streams
 * on the end-to-end hop with {@code acceptor} (e.g. {@code LocalServices}).
 */
public final class RendezvousService implements AutoCloseable {
    /** Introductions one intro point takes before it must be rotated (C tor: 16384 to 32767). */
    public static final int DEFAULT_REPLAY_CAPACITY = 16384;
    /**
     * Circuits to rendezvous points being built at once. Each valid INTRODUCE2 costs a circuit build, so
     * a flood of introductions (each client's is fresh) would start builds without end; beyond this many
     * in flight an introduction is dropped (counted in {@link #rejectedIntroductions()}), and its client
     * times out and may retry.
     */
    static final int MAX_RENDEZVOUS_BUILDS = 16;
    /**
     * The DoS parameters sent in ESTABLISH_INTRO when the caller gives no extensions (rend-spec-v3
     * §3.1.1.1), C tor's defaults for HiddenServiceEnableIntroDoSDefense: 25 INTRODUCE2 per second, bursts
     * of 200. The intro point then drops the excess before it reaches this service.
     */
    static final DosParameters DEFAULT_DOS_PARAMETERS = new DosParameters(25, 200);
    /**
     * Builds of a circuit to one rendezvous point per introduction: the first and one more over a new path after
     * a failure, as C tor's services relaunch a failed rendezvous circuit once.
     */
    static final int RENDEZVOUS_BUILD_ATTEMPTS = 2;

    private final CircuitFactory circuits;
    private final byte[] subcredential;
    private final StreamAcceptor acceptor;
    private final Duration stepTimeout;
    private final int replayCapacity;
    private volatile java.util.function.Consumer<ServiceIntroPoint> introducedObserver;
    private final List<ServiceIntroPoint> introPoints = new CopyOnWriteArrayList<>();
    private final List<RendezvousConnection> connections = new CopyOnWriteArrayList<>();
    private final LongAdder rejectedIntroductions = new LongAdder();
    private final LongAdder failedRendezvous = new LongAdder();
    private final LongAdder retriedRendezvous = new LongAdder();
    private final java.util.concurrent.Semaphore rendezvousBuilds = new java.util.concurrent.Semaphore(MAX_RENDEZVOUS_BUILDS);
    private volatile boolean closed;
    private volatile FlowControl flowControl = FlowControl.FIXED_WINDOWS;
    private volatile IntroductionTally tally = IntroductionTally.NONE;
    /** Set by {@link #close()}: joined circuits close too, also one that joins while it runs. */
    private volatile boolean connectionsClosed;

    public RendezvousService(CircuitFactory circuits, byte[] subcredential, StreamAcceptor acceptor, Duration stepTimeout) {
        this(circuits, subcredential, acceptor, stepTimeout, DEFAULT_REPLAY_CAPACITY);
    }

    public RendezvousService(CircuitFactory circuits, byte[] subcredential, StreamAcceptor acceptor, Duration stepTimeout,
            int replayCapacity) {
        this.circuits = Objects.requireNonNull(circuits, "circuits");
        if (subcredential.length != 32) {
            throw new IllegalArgumentException("subcredential must be 32 bytes");
        }
        this.subcredential = subcredential.clone();
        this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
        this.stepTimeout = stepTimeout;
        this.replayCapacity = replayCapacity;
    }

    /**
     * Offers congestion control on rendezvous circuits whose client asks for it (proposal 324 §9: the descriptor
     * must advertise the same); {@link FlowControl#FIXED_WINDOWS}, the default, ignores such requests.
     */
    public void offerFlowControl(FlowControl offered) {
        this.flowControl = Objects.requireNonNull(offered, "offered");
    }

    /**
     * Builds a circuit to {@code relay} and establishes an introduction point there (§3.1.1); completes
     * on INTRO_ESTABLISHED, fails if the circuit fails or closes first, or after the step timeout.
     */
    public CompletableFuture<ServiceIntroPoint> establish(RelayTarget relay, List<CellExtension> extensions) {
        return circuits.build(relay).thenCompose(circuit -> {
            ServiceIntroPoint point = new ServiceIntroPoint(relay, Ed25519.generateKeyPair(), X25519.generateKeyPair(),
                    circuit, replayCapacity);
            CompletableFuture<ServiceIntroPoint> established = new CompletableFuture<>();
            circuit.onMessage((hop, envelope) -> {
                if (hop == circuit.hops() - 1 && envelope.message() instanceof UnparsedRelayMessage m) {
                    if (m.commandCode() == RelayCommand.INTRO_ESTABLISHED.code()) {
                        established.complete(point);
                    } else if (m.commandCode() == RelayCommand.INTRODUCE2.code()) {
                        introduced(point, m.body());
                    }
                }
            });
            circuit.whenClosed().addListener(done -> {
                introPoints.remove(point);
                established.completeExceptionally(circuit.whenClosed().getNow());
            });
            EstablishIntro cell = EstablishIntro.create(point.authKeyPair(), circuit.handshakeNonce(circuit.hops() - 1),
                    extensions);
            try {
                circuit.send(circuit.hops() - 1, 0, cell.toMessage());
            } catch (CircuitClosedException e) {
                established.completeExceptionally(e);
            }
            return established.orTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
                if (failure != null) {
                    circuit.destroy();
                } else if (closed) {
                    circuit.destroy();
                } else {
                    introPoints.add(point);
                }
            });
        });
    }

    /** {@link #establish(RelayTarget, List)} with the default DoS parameters extension. */
    public CompletableFuture<ServiceIntroPoint> establish(RelayTarget relay) {
        return establish(relay, List.of(DEFAULT_DOS_PARAMETERS.toExtension()));
    }

    /** §3.3 on the service: check the MAC, refuse replays (§3.2.2), decrypt ({@link IntroductionCheck}), then rendezvous. */
    void introduced(ServiceIntroPoint point, byte[] body) {
        IntroductionCheck.Outcome outcome = IntroductionCheck.check(point.authKey(), point.encKeyPair(), subcredential,
                point.replays, body, X25519.generateKeyPair());
        if (outcome instanceof IntroductionCheck.Refused refused) {
            tally.refused(refused.reason().word());
            switch (refused.reason()) {
                case REPLAY -> point.replaysRefused.increment();
                case REPLAY_CACHE_FULL -> {
                    rejectedIntroductions.increment(); // time to rotate this intro point
                    notifyIntroduced(point);
                }
                default -> rejectedIntroductions.increment();
            }
            return;
        }
        IntroductionCheck.Accepted accepted = (IntroductionCheck.Accepted) outcome;
        HsNtor.ServiceResult result = accepted.result();
        IntroducePlaintext plaintext = accepted.plaintext();
        RelayTarget rendezvousPoint = accepted.rendezvousPoint();
        point.introductions.increment();
        notifyIntroduced(point);
        if (closed) {
            result.keys().destroy();
            tally.refused("service-closed");
            return;
        }
        if (!rendezvousBuilds.tryAcquire()) {
            result.keys().destroy();
            rejectedIntroductions.increment();
            tally.refused("busy");
            return;
        }
        tally.accepted();
        CompletableFuture<OriginCircuit> build = buildToRendezvousPoint(rendezvousPoint, RENDEZVOUS_BUILD_ATTEMPTS);
        build.whenComplete((circuit, failure) -> rendezvousBuilds.release());
        build.whenComplete((circuit, failure) -> {
            if (failure != null) {
                result.keys().destroy();
                failedRendezvous.increment();
                tally.rendezvousFailed();
                return;
            }
            if (closed) {
                result.keys().destroy();
                circuit.destroy(); // introduced before the service stopped, never answered: not a connection
                return;
            }
            try {
                int rendezvousHop = circuit.hops() - 1;
                HsCircuitKeys keys = result.keys();
                // §3.3.1: the service sends with Kb/Db and receives with Kf/Df. The hop and its stream
                // layer exist before RENDEZVOUS1 leaves, so no client cell can arrive before them.
                circuit.addEndToEndHop(keys.backwardKey(), keys.backwardDigestSeed(), keys.forwardKey(),
                        keys.forwardDigestSeed());
                keys.destroy();
                // Proposal 324 §9.4: congestion control only if the client asked for it, and only if we offer it.
                FlowControl flow = plaintext.requestsCongestionControl() ? flowControl : FlowControl.FIXED_WINDOWS;
                CircuitStreams streams = CircuitStreams.attach(circuit, circuit.hops() - 1, acceptor, flow);
                RendezvousConnection connection = new RendezvousConnection(circuit, streams);
                connections.add(connection);
                circuit.whenClosed().addListener(done -> connections.remove(connection));
                if (connectionsClosed) {
                    connection.close();
                    return;
                }
                circuit.send(rendezvousHop, 0, RendezvousCells.rendezvous1(plaintext.rendezvousCookie(),
                        result.handshakeInfo()));
            } catch (CircuitClosedException e) {
                failedRendezvous.increment();
                tally.rendezvousFailed();
                circuit.destroy();
            }
        });
    }

    /**
     * A circuit to the client's rendezvous point; a build that fails is tried again over a new path, up to
     * {@code attempts} builds in all. The client waits for RENDEZVOUS2 and cannot tell a failed build from a slow
     * one: without a second build, one broken relay on the service's path (a relay that restarted with an onion
     * key its consensus entry does not have yet, say) costs the client its whole rendezvous timeout.
     */
    private CompletableFuture<OriginCircuit> buildToRendezvousPoint(RelayTarget rendezvousPoint, int attempts) {
        CompletableFuture<OriginCircuit> build;
        try {
            build = circuits.build(rendezvousPoint);
        } catch (RuntimeException e) {
            build = CompletableFuture.failedFuture(e);
        }
        if (attempts <= 1) {
            return build;
        }
        return build.handle((circuit, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(circuit);
            }
            if (closed) {
                return CompletableFuture.<OriginCircuit>failedFuture(failure);
            }
            retriedRendezvous.increment();
            return buildToRendezvousPoint(rendezvousPoint, attempts - 1);
        }).thenCompose(f -> f);
    }

    /** Where what becomes of each introduction is counted from now on (the transport's statistics). */
    public void tally(IntroductionTally tally) {
        this.tally = java.util.Objects.requireNonNull(tally, "tally");
    }

    /**
     * Told of every fresh introduction at an intro point, and of each one refused because its replay cache is
     * full: the publisher rotates worn-out intro points. Runs on the intro circuit's event loop; must not block.
     */
    public void onIntroduced(java.util.function.Consumer<ServiceIntroPoint> observer) {
        this.introducedObserver = java.util.Objects.requireNonNull(observer, "observer");
    }

    private void notifyIntroduced(ServiceIntroPoint point) {
        java.util.function.Consumer<ServiceIntroPoint> observer = introducedObserver;
        if (observer != null) {
            observer.accept(point);
        }
    }

    public List<ServiceIntroPoint> introPoints() {
        return List.copyOf(introPoints);
    }

    /** Joined rendezvous circuits open now. */
    public List<RendezvousConnection> connections() {
        return List.copyOf(connections);
    }

    /**
     * INTRODUCE2 cells refused for a wrong key, a bad MAC, a malformed body or a full replay cache, or
     * dropped while {@value #MAX_RENDEZVOUS_BUILDS} rendezvous circuits were being built.
     */
    public long rejectedIntroductions() {
        return rejectedIntroductions.sum();
    }

    /** INTRODUCE2 cells refused as replays, over all intro points. */
    public long replaysRefused() {
        return introPoints.stream().mapToLong(ServiceIntroPoint::replaysRefused).sum();
    }

    /** Circuits to rendezvous points that could not be built. */
    public long failedRendezvous() {
        return failedRendezvous.sum();
    }

    /** Circuits to a rendezvous point built again after the first build for an introduction failed. */
    public long retriedRendezvous() {
        return retriedRendezvous.sum();
    }

    public byte[] subcredential() {
        return subcredential.clone();
    }

    /**
     * Stops taking introductions: every intro circuit closes, rendezvous circuits still being built are
     * dropped when they complete, and joined rendezvous circuits stay up with their streams until their
     * other end closes them (a withdrawn service keeps the connections it accepted, as the transport's
     * {@code Listener} promises) or {@link #close()} runs.
     */
    public void stopIntroductions() {
        closed = true;
        for (ServiceIntroPoint point : new ArrayList<>(introPoints)) {
            point.circuit().destroy();
        }
    }

    /** Closes every intro circuit and rendezvous circuit. */
    @Override
    public void close() {
        connectionsClosed = true;
        stopIntroductions();
        for (RendezvousConnection connection : new ArrayList<>(connections)) {
            connection.close();
        }
    }
}
