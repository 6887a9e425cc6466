package org.veilswarm.transport.onion.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.DescriptorSchedule;
import org.veilswarm.transport.onion.hs.TimePeriod;
import org.veilswarm.transport.onion.hs.rend.ServiceIntroPoint;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.transport.onion.stream.StreamAcceptor;

/**
 * A published onion service: the {@link Listener} that {@link OnionServices#publish} hands out. It keeps one
 * {@link PeriodPublisher} per time period it must cover (rend-spec-v3 §2.2.4.2) and re-uploads every
 * descriptor after a random delay between {@link OnionServices.Settings#reuploadMin()} and
 * {@link OnionServices.Settings#reuploadMax()} (§2.2.2: 60–120 minutes), at which point it also moves to
 * the periods the clock now asks for. Closing it withdraws the service: timers stop, intro circuits close,
 * so introductions fail at once, and no new stream is accepted; descriptors stay at the HSDirs until they
 * expire (the HSDir protocol has no delete, as in C tor). Streams already accepted stay open, with their
 * rendezvous circuits, until their client ends them (the {@link Listener} contract) or {@link #shutdown()}
 * (the node stops). A period the clock leaves behind is withdrawn the same way.
 */
public final class OnionService implements Listener {
    private final ServiceContext context;
    private final ServiceKey key;
    private final ServiceOptions options;
    private final TransportAddress address;
    /** The stream table, refusing every stream once the service is withdrawn. */
    private final StreamAcceptor streams;
    private final java.util.function.Consumer<OnionService> onWithdraw;
    private final Map<Long, PeriodPublisher> periods = new LinkedHashMap<>(); // guarded by this
    private Runnable cancelReupload; // guarded by this
    /** Withdrawn publishers whose rendezvous circuits may still carry accepted streams; guarded by this. */
    private final List<PeriodPublisher> retired = new ArrayList<>();
    private volatile boolean open = true;

    OnionService(ServiceContext context, ServiceKey key, int port, LocalServices streams, ServiceOptions options,
            java.util.function.Consumer<OnionService> onWithdraw) {
        this.context = context;
        this.key = key;
        this.options = options;
        this.address = TransportAddress.of(key.address(), port);
        this.streams = request -> open ? streams.accept(request) : null;
        this.onWithdraw = onWithdraw;
    }

    /** Publishes the descriptors of the current periods; completes once each is stored at one HSDir at least. */
    CompletableFuture<OnionService> start() {
        List<CompletableFuture<Void>> first = new ArrayList<>();
        for (PeriodPublisher publisher : refreshPeriods()) {
            first.add(publisher.start());
        }
        return CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).thenApply(ok -> {
            scheduleReupload();
            return this;
        });
    }

    /**
     * Brings the set of period publishers in line with {@link DescriptorSchedule#servicePeriods} now: new
     * periods get a publisher (returned, not yet started), periods no longer covered are closed.
     */
    private synchronized List<PeriodPublisher> refreshPeriods() {
        List<TimePeriod> wanted = DescriptorSchedule.servicePeriods(context.clock().instant());
        List<PeriodPublisher> added = new ArrayList<>();
        if (!open) {
            return added;
        }
        periods.entrySet().removeIf(entry -> {
            boolean gone = wanted.stream().noneMatch(p -> p.number() == entry.getKey());
            if (gone) {
                entry.getValue().withdraw();
                retired.add(entry.getValue());
            }
            return gone;
        });
        for (TimePeriod period : wanted) {
            if (!periods.containsKey(period.number())) {
                PeriodPublisher publisher = new PeriodPublisher(context, key, options, period, streams);
                periods.put(period.number(), publisher);
                added.add(publisher);
            }
        }
        return added;
    }

    private synchronized void scheduleReupload() {
        if (!open) {
            return;
        }
        Duration min = context.settings().reuploadMin();
        Duration max = context.settings().reuploadMax();
        long delay = min.toMillis() + ThreadLocalRandom.current().nextLong(max.toMillis() - min.toMillis() + 1);
        cancelReupload = context.timer().schedule(this::reuploadNow, Duration.ofMillis(delay));
    }

    /** The periodic re-upload (§2.2.2), also the moment to follow the time periods. */
    private void reuploadNow() {
        if (!open) {
            return;
        }
        List<PeriodPublisher> added = refreshPeriods();
        for (PeriodPublisher publisher : publishers()) {
            if (added.contains(publisher)) {
                publisher.start();
            } else {
                publisher.maintain(true);
            }
        }
        scheduleReupload();
    }

    private synchronized List<PeriodPublisher> publishers() {
        return List.copyOf(periods.values());
    }

    @Override
    public TransportAddress address() {
        return address;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Descriptor uploads some HSDir stored, over all periods (the first publish included). */
    public long descriptorUploads() {
        return publishers().stream().mapToLong(PeriodPublisher::uploads).sum();
    }

    /** Intro points replaced while they still worked (worn out: introductions, lifetime, replay cache). */
    public long introPointsRotated() {
        return publishers().stream().mapToLong(PeriodPublisher::introPointsRotated).sum();
    }

    /** Intro circuits that closed while the service was up (each was replaced). */
    public long introPointsLost() {
        return publishers().stream().mapToLong(PeriodPublisher::introPointsLost).sum();
    }

    /** The relays serving as introduction points now, over all periods (a relay may serve two periods). */
    public List<RelayTarget> introPoints() {
        return publishers().stream().flatMap(p -> p.openIntroPoints().stream()).map(ServiceIntroPoint::relay)
                .distinct().toList();
    }

    /** The open intro points of one period, with their circuits (tests close those to make the service move). */
    List<ServiceIntroPoint> openIntroPoints(TimePeriod period) {
        return publishers().stream().filter(p -> p.period().number() == period.number())
                .flatMap(p -> p.openIntroPoints().stream()).toList();
    }

    /** The intro points of the descriptors uploaded last, per time period number. */
    public Map<Long, List<RelayTarget>> uploadedIntroPoints() {
        Map<Long, List<RelayTarget>> out = new LinkedHashMap<>();
        for (PeriodPublisher publisher : publishers()) {
            out.put(publisher.period().number(), publisher.uploadedIntroPoints());
        }
        return out;
    }

    /** Introductions refused (bad MAC, replays, full) or dropped, over all periods. */
    public long rejectedIntroductions() {
        return publishers().stream().mapToLong(p -> p.rendezvous().rejectedIntroductions()).sum();
    }

    /**
     * Stops re-uploads and new streams, closes every intro circuit; rendezvous circuits with accepted streams
     * stay until their client closes them or {@link #shutdown()} runs.
     */
    void withdraw() {
        List<PeriodPublisher> closing;
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            if (cancelReupload != null) {
                cancelReupload.run();
            }
            closing = List.copyOf(periods.values());
            periods.clear();
            retired.addAll(closing);
        }
        closing.forEach(PeriodPublisher::withdraw);
        onWithdraw.accept(this);
    }

    /** {@link #withdraw()}, then closes the rendezvous circuits still open (and their streams): the node stops. */
    void shutdown() {
        withdraw();
        List<PeriodPublisher> closing;
        synchronized (this) {
            closing = List.copyOf(retired);
            retired.clear();
        }
        closing.forEach(PeriodPublisher::close);
    }

    /** Joined rendezvous circuits open now, those of withdrawn periods included. */
    public int openConnections() {
        List<PeriodPublisher> all;
        synchronized (this) {
            retired.removeIf(p -> p.rendezvous().connections().isEmpty());
            all = new ArrayList<>(periods.values());
            all.addAll(retired);
        }
        return all.stream().mapToInt(p -> p.rendezvous().connections().size()).sum();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        withdraw();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "OnionService[" + address + (open ? "" : ", withdrawn") + "]";
    }
}
