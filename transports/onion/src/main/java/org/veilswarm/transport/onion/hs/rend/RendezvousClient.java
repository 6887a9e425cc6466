package org.veilswarm.transport.onion.hs.rend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.UnparsedRelayMessage;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.stream.FlowControl;
import org.veilswarm.transport.onion.stream.StreamAcceptor;

/**
 * The client side of rend-spec-v3 §3: a circuit to a rendezvous point it picks (ESTABLISH_RENDEZVOUS),
 * a circuit to the introduction point (INTRODUCE1, then INTRODUCE_ACK), RENDEZVOUS2 finishing hs-ntor,
 * and the end-to-end hop on the rendezvous circuit. Errors are {@link IntroductionFailedException},
 * {@link RendezvousTimeoutException} and {@link RendezvousFailedException}.
 */
public final class RendezvousClient {
    private final CircuitFactory circuits;
    private final Duration stepTimeout;
    private final Duration rendezvousTimeout;

    /**
     * @param stepTimeout for RENDEZVOUS_ESTABLISHED and INTRODUCE_ACK
     * @param rendezvousTimeout from INTRODUCE_ACK to RENDEZVOUS2 (the service builds a circuit meanwhile)
     */
    public RendezvousClient(CircuitFactory circuits, Duration stepTimeout, Duration rendezvousTimeout) {
        this.circuits = Objects.requireNonNull(circuits, "circuits");
        this.stepTimeout = stepTimeout;
        this.rendezvousTimeout = rendezvousTimeout;
    }

    /**
     * Tries the introduction points in order, each with new circuits, until one introduction succeeds;
     * an {@link IntroductionFailedException} moves on to the next (another intro point of the same
     * descriptor may still hold the service, rend-spec-v3 §3.2), other failures end the attempt. If all
     * fail, the last failure is reported with the earlier ones suppressed.
     */
    public CompletableFuture<RendezvousConnection> connectAny(List<IntroductionTarget> targets) {
        return connectAny(targets, FlowControl.FIXED_WINDOWS);
    }

    /**
     * As {@link #connectAny(List)}; with congestion control in {@code flowControl} the INTRODUCE1 cell asks the
     * service for it (proposal 324 §9.2: only when its descriptor offered it) and the rendezvous circuit uses it.
     */
    public CompletableFuture<RendezvousConnection> connectAny(List<IntroductionTarget> targets, FlowControl flowControl) {
        if (targets.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no introduction points"));
        }
        return attempt(List.copyOf(targets), 0, new ArrayList<>(), Objects.requireNonNull(flowControl, "flowControl"));
    }

    private CompletableFuture<RendezvousConnection> attempt(List<IntroductionTarget> targets, int index,
            List<Throwable> failures, FlowControl flowControl) {
        return connect(targets.get(index), flowControl).handle((connection, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(connection);
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof IntroductionFailedException && index + 1 < targets.size()) {
                failures.add(cause);
                return attempt(targets, index + 1, failures, flowControl);
            }
            failures.forEach(cause::addSuppressed);
            return CompletableFuture.<RendezvousConnection>failedFuture(cause);
        }).thenCompose(next -> next);
    }

    /** Introduces and rendezvous with the service behind {@code target}. */
    public CompletableFuture<RendezvousConnection> connect(IntroductionTarget target) {
        return connect(target, FlowControl.FIXED_WINDOWS);
    }

    /** Introduces and rendezvous with the service behind {@code target}, asking for {@code flowControl}. */
    public CompletableFuture<RendezvousConnection> connect(IntroductionTarget target, FlowControl flowControl) {
        byte[] cookie = Randoms.bytes(RendezvousCells.COOKIE_LEN);
        RelayTarget rendezvousPoint = circuits.pickRendezvousPoint();
        CompletableFuture<Void> established = new CompletableFuture<>();
        CompletableFuture<byte[]> rendezvous2 = new CompletableFuture<>();
        CompletableFuture<OriginCircuit> rendCircuit = circuits.build(rendezvousPoint).thenApply(circuit -> {
            circuit.onMessage((hop, envelope) -> {
                if (hop == 2 && envelope.message() instanceof UnparsedRelayMessage m) {
                    if (m.commandCode() == RelayCommand.RENDEZVOUS_ESTABLISHED.code()) {
                        established.complete(null);
                    } else if (m.commandCode() == RelayCommand.RENDEZVOUS2.code()) {
                        try {
                            rendezvous2.complete(RendezvousCells.decodeRendezvous2(m.body()));
                        } catch (RendCellException e) {
                            rendezvous2.completeExceptionally(new RendezvousFailedException(e.getMessage(), e));
                        }
                    }
                }
            });
            circuit.whenClosed().addListener(closed -> {
                RendezvousFailedException lost = new RendezvousFailedException("rendezvous circuit closed",
                        circuit.whenClosed().getNow());
                established.completeExceptionally(lost);
                rendezvous2.completeExceptionally(lost);
            });
            send(circuit, circuit.hops() - 1, RendezvousCells.establishRendezvous(cookie));
            return circuit;
        });
        CompletableFuture<OriginCircuit> ready = rendCircuit
                .thenCompose(circuit -> established.orTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .thenApply(ok -> circuit))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(rendezvousFailure(e)));
        HsNtor.Client handshake = HsNtor.Client.start(target.authKey(), target.encKey(), target.subcredential());
        CompletableFuture<RendezvousConnection> done = ready
                .thenCompose(circuit -> introduce(target, handshake, cookie, rendezvousPoint, flowControl)
                        .thenApply(ack -> circuit))
                .thenCompose(circuit -> rendezvous2.orTimeout(rendezvousTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e) instanceof TimeoutException
                                ? new RendezvousTimeoutException(rendezvousTimeout) : rendezvousFailure(e)))
                        .thenApply(info -> join(circuit, handshake, info, flowControl)));
        done.whenComplete((connection, failure) -> {
            if (failure != null) {
                rendCircuit.thenAccept(OriginCircuit::destroy);
            }
        });
        return done;
    }

    private static RendezvousConnection join(OriginCircuit circuit, HsNtor.Client handshake, byte[] info,
            FlowControl flowControl) {
        try {
            HsCircuitKeys keys = handshake.finish(info);
            // §3.3.1: Kf/Df protect what the client sends, Kb/Db what the service sends.
            circuit.addEndToEndHop(keys.forwardKey(), keys.forwardDigestSeed(), keys.backwardKey(), keys.backwardDigestSeed());
            keys.destroy();
            return new RendezvousConnection(circuit, CircuitStreams.attach(circuit, circuit.hops() - 1, StreamAcceptor.NONE,
                    flowControl));
        } catch (HandshakeFailedException | CircuitClosedException e) {
            circuit.destroy();
            throw new CompletionException(new RendezvousFailedException("RENDEZVOUS2: " + e.getMessage(), e));
        }
    }

    /** One INTRODUCE1 on a fresh circuit to the intro point; completes on INTRODUCE_ACK SUCCESS. */
    private CompletableFuture<Void> introduce(IntroductionTarget target, HsNtor.Client handshake, byte[] cookie,
            RelayTarget rendezvousPoint, FlowControl flowControl) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        CompletableFuture<OriginCircuit> introCircuit = circuits.build(target.introPoint());
        introCircuit.whenComplete((circuit, failure) -> {
            if (failure != null) {
                acked.completeExceptionally(new IntroductionFailedException(
                        IntroductionFailedException.Reason.INTRO_POINT_UNREACHABLE, "no circuit to the intro point", unwrap(failure)));
                return;
            }
            circuit.onMessage((hop, envelope) -> {
                if (envelope.message() instanceof UnparsedRelayMessage m
                        && m.commandCode() == RelayCommand.INTRODUCE_ACK.code()) {
                    try {
                        IntroduceAck ack = IntroduceAck.decode(m.body());
                        if (ack.status() == IntroduceAck.SUCCESS) {
                            acked.complete(null);
                        } else {
                            acked.completeExceptionally(new IntroductionFailedException(
                                    IntroductionFailedException.forStatus(ack.status()), "INTRODUCE_ACK status " + ack.status(), null));
                        }
                    } catch (RendCellException e) {
                        acked.completeExceptionally(new IntroductionFailedException(
                                IntroductionFailedException.Reason.BAD_MESSAGE_FORMAT, e.getMessage(), e));
                    }
                }
            });
            circuit.whenClosed().addListener(closed -> acked.completeExceptionally(new IntroductionFailedException(
                    IntroductionFailedException.Reason.INTRO_POINT_UNREACHABLE, "intro circuit closed before INTRODUCE_ACK",
                    circuit.whenClosed().getNow())));
            try {
                byte[] header = Introduce1.header(target.authKey(), java.util.List.of());
                int padded = IntroducePlaintext.PADDED_INTRODUCE1_LEN - header.length - HsNtor.ENCRYPTION_OVERHEAD;
                IntroducePlaintext introduction = IntroducePlaintext.to(cookie, rendezvousPoint);
                if (flowControl.isCongestionControl()) {
                    introduction = introduction.withCongestionControlRequest();
                }
                byte[] plaintext = introduction.encode(padded);
                Introduce1 cell = Introduce1.seal(target.authKey(), handshake, plaintext);
                circuit.send(circuit.hops() - 1, 0, cell.toIntroduce1());
            } catch (HandshakeFailedException | CircuitClosedException e) {
                acked.completeExceptionally(new IntroductionFailedException(
                        IntroductionFailedException.Reason.INTRO_POINT_UNREACHABLE, e.getMessage(), e));
            }
        });
        CompletableFuture<Void> result = acked.orTimeout(stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e) instanceof TimeoutException
                        ? new IntroductionFailedException(IntroductionFailedException.Reason.TIMEOUT,
                                "no INTRODUCE_ACK within " + stepTimeout.toMillis() + " ms", null)
                        : unwrap(e)));
        // §3.2.2: the client's intro circuit has served its purpose once acknowledged (or failed).
        result.whenComplete((ok, failure) -> introCircuit.thenAccept(OriginCircuit::destroy));
        return result;
    }

    private static void send(OriginCircuit circuit, int hop, UnparsedRelayMessage message) {
        try {
            circuit.send(hop, 0, message);
        } catch (CircuitClosedException e) {
            throw new CompletionException(e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static Throwable rendezvousFailure(Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof OnionServiceConnectException) {
            return cause;
        }
        if (cause instanceof TimeoutException) {
            return new RendezvousFailedException("no RENDEZVOUS_ESTABLISHED in time", cause);
        }
        return new RendezvousFailedException("rendezvous circuit failed: " + cause.getMessage(), cause);
    }
}
