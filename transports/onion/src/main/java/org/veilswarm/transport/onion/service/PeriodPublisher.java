package org.veilswarm.transport.onion.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.BlindedKeyPair;
import org.veilswarm.transport.onion.hs.HsDescriptor;
import org.veilswarm.transport.onion.hs.HsDescriptorBuilder;
import org.veilswarm.transport.onion.hs.HsDirRing;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.RevisionCounter;
import org.veilswarm.transport.onion.hs.SharedRandomSource;
import org.veilswarm.transport.onion.hs.TimePeriod;
import org.veilswarm.transport.onion.hs.rend.LinkSpecifiers;
import org.veilswarm.transport.onion.hs.rend.RendezvousService;
import org.veilswarm.transport.onion.hs.rend.ServiceIntroPoint;
import org.veilswarm.transport.onion.stream.StreamAcceptor;

/**
 * One time period's descriptor of a published service (rend-spec-v3 §2.2.4.2: a service keeps one per
 * period it covers, each with its own intro points since the subcredential differs) and the work that
 * keeps it reachable:
 * <ul>
 * <li>it watches its intro circuits; when one closes (the relay or a hop on the way is gone) it picks a
 *     new introduction point, never one of its current ones nor one that just failed, establishes it and
 *     uploads a new descriptor (C tor does the same when an intro point disappears, §3.1);</li>
 * <li>it uploads again when asked ({@link #maintain(boolean) maintain(true)}: the periodic re-upload of
 *     §2.2.2, or a new HSDir list);</li>
 * <li>it rotates intro points that still work but are worn out ({@link IntroPointRotation}: introductions,
 *     lifetime, a full replay cache): a replacement is established and the descriptor uploaded without the old
 *     point, and only then is the old point's circuit closed, so clients holding the old descriptor can still
 *     introduce themselves there meanwhile;</li>
 * <li>whatever could not be done (too few intro points, no HSDir stored the descriptor) is retried after
 *     {@link OnionServices.Settings#retryDelay()}.</li>
 * </ul>
 * One maintenance run at a time; requests during a run are folded into one more run after it.
 */
final class PeriodPublisher implements AutoCloseable {
    /** Pick-and-establish rounds per maintenance run before waiting for the retry delay. */
    static final int ESTABLISH_ROUNDS = 3;

    private final ServiceContext context;
    private final ServiceKey key;
    private final ServiceOptions options;
    private final TimePeriod period;
    private final RendezvousService rendezvous;
    /** Relays where establishing failed lately: not picked again until a pick finds nothing else. */
    private final Set<RelayDescriptor.Key> failedRelays = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> firstUpload = new CompletableFuture<>();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong introPointsLost = new AtomicLong();
    private final AtomicLong introPointsRotated = new AtomicLong();
    /** Intro points being rotated out: left out of new descriptors, closed once one is uploaded. */
    private final Set<ServiceIntroPoint> retiring = ConcurrentHashMap.newKeySet();
    /** Introductions after which each intro point is rotated (drawn per point). */
    private final java.util.Map<ServiceIntroPoint, Integer> introductionLimits = new ConcurrentHashMap<>();
    private final java.util.Random random = new java.security.SecureRandom();
    private volatile List<RelayTarget> uploadedIntroPoints = List.of();
    private volatile Throwable lastFailure;
    // Guarded by this.
    private boolean running;
    private boolean runAgain;
    private boolean uploadWanted;
    private long lastRevision;
    private Runnable cancelRetry;
    private volatile boolean closed;

    PeriodPublisher(ServiceContext context, ServiceKey key, ServiceOptions options, TimePeriod period,
            StreamAcceptor streams) {
        this.context = context;
        this.key = key;
        this.options = options;
        this.period = period;
        this.rendezvous = new RendezvousService(context.serviceSide(),
                HsKeys.subcredential(key.address().publicKey(), period), streams, context.settings().stepTimeout());
        rendezvous.onIntroduced(this::checkWornOut);
        rendezvous.tally(context.statistics());
        rendezvous.offerFlowControl(context.settings().flowControl());
    }

    /** After an introduction at {@code point}: rotate it once its count or its replay cache says so. */
    private void checkWornOut(ServiceIntroPoint point) {
        Integer limit = introductionLimits.get(point);
        if (point.replayCacheFull() || limit != null && point.introductions() >= limit) {
            retire(point);
        }
    }

    /** Starts rotating {@code point} out (see the class comment); once per point. */
    private void retire(ServiceIntroPoint point) {
        if (closed || !point.isOpen() || !retiring.add(point)) {
            return;
        }
        introPointsRotated.incrementAndGet();
        context.statistics().introPointReplaced();
        maintain(true);
    }

    TimePeriod period() {
        return period;
    }

    /** Establishes the intro points and uploads; completes with the first upload some HSDir stored. */
    CompletableFuture<Void> start() {
        maintain(true);
        return firstUpload;
    }

    /**
     * Asks for a maintenance run: intro points brought back to their number, and the descriptor uploaded if
     * they changed or {@code upload} is set.
     */
    void maintain(boolean upload) {
        synchronized (this) {
            if (closed) {
                return;
            }
            uploadWanted |= upload;
            if (running) {
                runAgain = true;
                return;
            }
            running = true;
            if (cancelRetry != null) {
                cancelRetry.run();
                cancelRetry = null;
            }
        }
        run();
    }

    private void run() {
        boolean upload;
        synchronized (this) {
            upload = uploadWanted;
            uploadWanted = false;
            runAgain = false;
        }
        List<ServiceIntroPoint> retired = List.copyOf(retiring);
        CompletableFuture<Boolean> work;
        try {
            work = establishMissing(ESTABLISH_ROUNDS, false)
                    .thenCompose(changed -> changed || upload || !retired.isEmpty() ? upload().thenApply(ok -> true)
                            : CompletableFuture.completedFuture(false))
                    .thenApply(uploaded -> {
                        // The descriptor out there no longer lists them: their circuits can go.
                        retired.forEach(point -> point.circuit().destroy());
                        return uploaded;
                    });
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e);
        }
        work.whenComplete((ok, failure) -> finished(failure));
    }

    private void finished(Throwable failure) {
        boolean again;
        synchronized (this) {
            running = false;
            if (closed) {
                return;
            }
            if (failure != null) {
                lastFailure = OnionServices.unwrap(failure);
                uploadWanted = true; // the descriptor out there may be stale: upload on the next run
            }
            again = runAgain;
            if (again) {
                running = true;
            } else if (failure != null || openIntroPoints().size() < context.settings().introPoints()) {
                cancelRetry = context.timer().schedule(() -> maintain(false), context.settings().retryDelay());
            }
        }
        if (failure != null && !firstUpload.isDone() && uploads.get() == 0) {
            // Publishing fails at once when its first run fails; later runs retry on their own.
            firstUpload.completeExceptionally(OnionServices.unwrap(failure));
        }
        if (again) {
            run();
        }
    }

    /**
     * Picks and establishes intro points until there are as many as configured or {@code rounds} are used
     * up; completes with whether any was added.
     */
    private CompletableFuture<Boolean> establishMissing(int rounds, boolean changed) {
        List<ServiceIntroPoint> current = openIntroPoints();
        int missing = context.settings().introPoints() - current.size();
        if (missing <= 0 || rounds == 0 || closed) {
            if (current.isEmpty() && !closed) {
                return CompletableFuture.failedFuture(new OnionServiceException(
                        OnionServiceException.Failure.PUBLISH_FAILED, "no introduction point could be established "
                        + "for period " + period.number() + (lastFailure == null ? "" : ": " + lastFailure), lastFailure));
            }
            return CompletableFuture.completedFuture(changed);
        }
        Set<RelayDescriptor.Key> exclude = new HashSet<>(failedRelays);
        current.forEach(point -> exclude.add(new RelayDescriptor.Key(point.relay().identity())));
        return pick(missing, exclude, new ArrayList<>()).thenCompose(chosen -> {
            if (chosen.isEmpty()) {
                // Everything left failed lately: give those relays another chance in the next round.
                failedRelays.clear();
                return establishMissing(rounds - 1, changed);
            }
            List<CompletableFuture<Boolean>> each = new ArrayList<>();
            for (RelayDescriptor relay : chosen) {
                each.add(establish(relay));
            }
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenCompose(all -> {
                boolean added = each.stream().anyMatch(CompletableFuture::join);
                return establishMissing(rounds - 1, changed || added);
            });
        });
    }

    /** Up to {@code count} distinct relays outside {@code exclude}, one pick at a time; fewer if no more fit. */
    private CompletableFuture<List<RelayDescriptor>> pick(int count, Set<RelayDescriptor.Key> exclude,
            List<RelayDescriptor> chosen) {
        if (chosen.size() == count) {
            return CompletableFuture.completedFuture(chosen);
        }
        return context.circuits().pickExcluding(RelayRole.MIDDLE, exclude).toCompletableFuture().handle((relay, e) -> {
            if (e != null) {
                lastFailure = OnionServices.unwrap(e);
                return CompletableFuture.completedFuture(chosen);
            }
            chosen.add(relay);
            exclude.add(relay.identityKey());
            return pick(count, exclude, chosen);
        }).thenCompose(next -> next);
    }

    /** Completes with true when established (and watched), false when it failed (the relay is set aside). */
    private CompletableFuture<Boolean> establish(RelayDescriptor relay) {
        CompletableFuture<ServiceIntroPoint> established;
        try {
            established = rendezvous.establish(RelayTarget.of(relay));
        } catch (RuntimeException e) {
            established = CompletableFuture.failedFuture(e);
        }
        return established.handle((point, failure) -> {
            if (failure != null) {
                failedRelays.add(relay.identityKey());
                lastFailure = OnionServices.unwrap(failure);
                return false;
            }
            introductionLimits.put(point, context.rotation().get().drawIntroductions(random));
            Runnable cancelLifetime = context.timer().schedule(() -> retire(point),
                    context.rotation().get().drawLifetime(random));
            point.circuit().whenClosed().addListener(done -> {
                cancelLifetime.run();
                introductionLimits.remove(point);
                if (retiring.remove(point)) {
                    return; // rotated out on purpose, its replacement is up
                }
                if (!closed) {
                    introPointsLost.incrementAndGet();
                    context.statistics().introPointReplaced();
                    maintain(false);
                }
            });
            return true;
        });
    }

    /** Builds the descriptor of the open intro points and uploads it to the store set of the current ring. */
    private CompletableFuture<Void> upload() {
        List<ServiceIntroPoint> points = openIntroPoints();
        Instant now = context.clock().instant();
        return context.hsDirs().hsDirs().toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new OnionServiceException(
                        OnionServiceException.Failure.NO_DIRECTORY, "cannot list HSDirs: "
                        + OnionServices.unwrap(e).getMessage(), OnionServices.unwrap(e))))
                .thenCompose(relays -> {
                    HsDescriptor descriptor = descriptor(points, now);
                    HsDirRing<RelayDescriptor> ring = HsDirRing.ofRelays(relays, period, SharedRandomSource.none());
                    return context.requests().publish(ring, descriptor);
                })
                .thenAccept(outcomes -> {
                    if (outcomes.values().stream().noneMatch(Objects::isNull)) {
                        Throwable first = outcomes.values().stream().findFirst().orElse(null);
                        throw new CompletionException(new OnionServiceException(
                                OnionServiceException.Failure.PUBLISH_FAILED, "no HSDir of " + outcomes.size()
                                + " stored the descriptor for period " + period.number() + ": " + first, first));
                    }
                    uploadedIntroPoints = points.stream().map(ServiceIntroPoint::relay).toList();
                    uploads.incrementAndGet();
                    context.statistics().descriptorUploaded();
                    firstUpload.complete(null);
                });
    }

    private HsDescriptor descriptor(List<ServiceIntroPoint> points, Instant now) {
        byte[] identity = key.address().publicKey();
        byte[] secret = key.expandedSecretKey();
        try {
            HsDescriptorBuilder builder = new HsDescriptorBuilder(identity, secret, period);
            for (ServiceIntroPoint point : points) {
                RelayTarget relay = point.relay();
                builder.introPoint(new HsDescriptorBuilder.IntroPointSpec(LinkSpecifiers.encode(relay),
                        relay.ntorOnionKey(), point.authKey(), point.encKey()));
            }
            options.authorizedClients().forEach(builder::authorizedClient);
            builder.flowControl(context.settings().flowControl().sendmeIncrement());
            return builder.revisionCounter(nextRevision(identity, secret, now)).build(now);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Appendix F.2's time-based counter, but above the last one uploaded: HSDirs keep only higher revisions,
     * and two uploads may fall into one second (an intro point replaced right after the first upload).
     */
    private synchronized long nextRevision(byte[] identity, byte[] secret, Instant now) {
        BlindedKeyPair blinded = HsKeys.blindedKeyPair(identity, secret, period);
        try {
            long byTime = RevisionCounter.forDescriptor(blinded, period, now);
            lastRevision = Long.compareUnsigned(byTime, lastRevision) > 0 ? byTime : lastRevision + 1;
            return lastRevision;
        } finally {
            blinded.destroy();
        }
    }

    /** Open intro points that are not being rotated out: what descriptors list and what the count is kept at. */
    List<ServiceIntroPoint> openIntroPoints() {
        return rendezvous.introPoints().stream().filter(p -> p.isOpen() && !retiring.contains(p)).toList();
    }

    long introPointsRotated() {
        return introPointsRotated.get();
    }

    /** The intro points of the descriptor uploaded last. */
    List<RelayTarget> uploadedIntroPoints() {
        return uploadedIntroPoints;
    }

    long uploads() {
        return uploads.get();
    }

    long introPointsLost() {
        return introPointsLost.get();
    }

    RendezvousService rendezvous() {
        return rendezvous;
    }

    /**
     * Stops every timer and closes the intro circuits, so that introductions fail; joined rendezvous circuits
     * and their streams stay until they end or {@link #close()} runs. The descriptor expires at the HSDirs.
     */
    void withdraw() {
        synchronized (this) {
            closed = true;
            if (cancelRetry != null) {
                cancelRetry.run();
            }
        }
        rendezvous.stopIntroductions();
        firstUpload.completeExceptionally(new OnionServiceException(OnionServiceException.Failure.CLOSED,
                "the service was withdrawn", null));
    }

    /** {@link #withdraw()}, and every rendezvous circuit closes too. */
    @Override
    public void close() {
        withdraw();
        rendezvous.close();
    }
}
