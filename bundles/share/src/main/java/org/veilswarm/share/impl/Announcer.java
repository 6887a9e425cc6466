package org.veilswarm.share.impl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.tracker.protocol.AnnounceRequest;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * Announces this node's torrents to trackers (BEP 3) over the transport that reaches each tracker, and keeps
 * announcing at the interval the tracker asks for, so the node stays listed as a peer.
 */
final class Announcer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.share");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    private static final Duration MAX_INTERVAL = Duration.ofMinutes(30);

    /** What a torrent reports in each announce. */
    interface Progress {
        long uploaded();

        long downloaded();

        long left();
    }

    /**
     * Who an announce says we are, instead of the engine's peer id and the node's onion address: one of a share's
     * own onion services (K-way multiplexing), listed by the tracker as a peer of its own.
     *
     * @param peerId the peer id the service presents in handshakes ({@code SwarmEngine#servicePeerId})
     * @param onion  the service's address, named in announces over anonymous transports
     */
    record AnnounceAs(byte[] peerId, OnionAddress onion) {
    }

    private final ShareContext context;
    private final byte[] peerId;
    private final ScheduledExecutorService timer;
    private final Map<String, ScheduledFuture<?>> repeating = new ConcurrentHashMap<>();

    Announcer(ShareContext context) {
        this.context = context;
        this.peerId = context.engine().config().peerId();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-share-announce");
            t.setDaemon(true);
            return t;
        });
    }

    /** One announce; completes with the tracker's answer or exceptionally (unreachable, refused, timeout). */
    CompletableFuture<AnnounceResponse> announce(TrackerUrl url, InfoHash infoHash, AnnounceEvent event,
            Progress progress) {
        return announce(url, infoHash, event, progress, null);
    }

    /** As above, as {@code as} ({@code null}: as the node itself). */
    CompletableFuture<AnnounceResponse> announce(TrackerUrl url, InfoHash infoHash, AnnounceEvent event,
            Progress progress, AnnounceAs as) {
        Optional<Transport> transport = context.transportFor(url.address());
        if (transport.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no bound transport reaches the tracker "
                    + url.address()));
        }
        Transport t = transport.get();
        // Over an anonymous transport the tracker cannot see where we are: name our onion service instead.
        Optional<OnionAddress> onion = t.info().anonymity() == org.veilswarm.api.transport.Anonymity.NONE
                ? Optional.empty() : as != null ? Optional.of(as.onion()) : context.identity().map(i -> i.address());
        AnnounceRequest request = new AnnounceRequest(infoHash.truncated(), as != null ? as.peerId() : peerId,
                context.peerPort(),
                progress.uploaded(), progress.downloaded(), progress.left(), event, OptionalInt.empty(), true, true,
                onion);
        return new TrackerClient(t::connect, TIMEOUT).announce(url, request);
    }

    /**
     * Announces {@code event} now and then periodically (event {@code NONE}) under {@code key} until
     * {@link #stop}; a failing announce is retried at the minimum interval.
     */
    void keepAnnouncing(String key, TrackerUrl url, InfoHash infoHash, AnnounceEvent first, Progress progress) {
        keepAnnouncing(key, url, infoHash, first, progress, response -> { });
    }

    /** As above, as {@code as} ({@code null}: as the node itself). */
    void keepAnnouncing(String key, TrackerUrl url, InfoHash infoHash, AnnounceEvent first, Progress progress,
            AnnounceAs as) {
        stop(key);
        schedule(key, url, infoHash, first, progress, as, response -> { }, Duration.ZERO, 0);
    }

    /** As above; {@code answers} hears every successful answer (a downloader connects to the peers listed). */
    void keepAnnouncing(String key, TrackerUrl url, InfoHash infoHash, AnnounceEvent first, Progress progress,
            Consumer<AnnounceResponse> answers) {
        stop(key);
        schedule(key, url, infoHash, first, progress, null, answers, Duration.ZERO, 0);
    }

    /** Runs {@code task} every {@code period} under {@code key} until {@link #stop}. */
    void every(String key, Duration period, Runnable task) {
        stop(key);
        repeating.put(key, timer.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /**
     * A failed announce is tried again after 1, 2, 4, ... s, up to the minimum interval: an onion service that was
     * just published (this node's own tracker included) is not found for a moment, and a node that is not listed
     * yet is a node nobody can download from.
     */
    private void schedule(String key, TrackerUrl url, InfoHash infoHash, AnnounceEvent event, Progress progress,
            AnnounceAs as, Consumer<AnnounceResponse> answers, Duration delay, int failures) {
        ScheduledFuture<?>[] holder = new ScheduledFuture<?>[1];
        holder[0] = timer.schedule(() -> announce(url, infoHash, event, progress, as).whenComplete((response, error) -> {
            if (repeating.get(key) != holder[0]) {
                return; // stopped or replaced meanwhile
            }
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, "announce to " + url.address() + " failed: " + error.getMessage());
                Duration retry = Duration.ofSeconds(1L << Math.min(failures, 5));
                // The event is kept: a STARTED or COMPLETED the tracker never heard must still reach it.
                schedule(key, url, infoHash, event, progress, as, answers,
                        retry.compareTo(MIN_INTERVAL) < 0 ? retry : MIN_INTERVAL, failures + 1);
            } else {
                if (event != AnnounceEvent.NONE) {
                    // Once per event: says when a tracker first heard of us (a downloader finds us only after this).
                    LOG.log(System.Logger.Level.INFO, "announced " + event.name().toLowerCase(java.util.Locale.ROOT)
                            + " to " + url.address() + " (" + response.peers().size() + " peers listed)");
                }
                answers.accept(response);
                schedule(key, url, infoHash, AnnounceEvent.NONE, progress, as, answers,
                        clamp(Duration.ofSeconds(response.interval())), 0);
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
        repeating.put(key, holder[0]);
    }

    private static Duration clamp(Duration d) {
        return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : d;
    }

    /** Stops the periodic announces under {@code key}. */
    void stop(String key) {
        ScheduledFuture<?> f = repeating.remove(key);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Stops every key that starts with {@code prefix}. */
    void stopAll(String prefix) {
        for (String key : new ArrayList<>(repeating.keySet())) {
            if (key.startsWith(prefix)) {
                stop(key);
            }
        }
    }

    static Progress seeding(LongSupplier uploaded) {
        return new Progress() {
            public long uploaded() {
                return uploaded.getAsLong();
            }

            public long downloaded() {
                return 0;
            }

            public long left() {
                return 0;
            }
        };
    }

    List<String> keys() {
        return List.copyOf(repeating.keySet());
    }

    @Override
    public void close() {
        repeating.values().forEach(f -> f.cancel(false));
        repeating.clear();
        timer.shutdownNow();
    }
}
