package org.veilswarm.tracker.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;

/**
 * The trackers and mirrors of one torrent, in tiers, used as BEP 12 ("Multitracker Metadata Extension") says:
 * each tier is shuffled once when the list is made; an announce tries the trackers in order, tier by tier, and
 * stops at the first that answers; that tracker moves to the front of its tier, so the next announce goes to
 * it first. Any failure (no connection, timeout, HTTP error, bad answer, a {@code failure reason}) moves on to
 * the next tracker; the announce fails only when every tracker failed, with the last failure as its cause and
 * the others suppressed in it.
 *
 * <p>A share's own tracker and its mirrors serve the same swarm (docs/tracker-mirroring.md), so they usually
 * form one tier. Thread-safe: the order is changed under the object's lock; concurrent announces each walk
 * the order they started with.
 */
public final class TrackerTiers {
    private final List<List<TrackerUrl>> tiers;

    /**
     * @param tiers one list per tier, most preferred tier first; none may be empty
     * @param random shuffles each tier (BEP 12: "the URLs in each tier are shuffled")
     */
    public TrackerTiers(List<List<TrackerUrl>> tiers, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("at least one tier of trackers is needed");
        }
        List<List<TrackerUrl>> copy = new ArrayList<>(tiers.size());
        for (List<TrackerUrl> tier : tiers) {
            if (tier.isEmpty()) {
                throw new IllegalArgumentException("a tier has no tracker: " + tiers);
            }
            List<TrackerUrl> shuffled = new ArrayList<>(tier);
            shuffled.forEach(u -> Objects.requireNonNull(u, "tracker url"));
            for (int i = shuffled.size() - 1; i > 0; i--) {
                Collections.swap(shuffled, i, random.nextInt(i + 1));
            }
            copy.add(shuffled);
        }
        this.tiers = copy;
    }

    /** The current order, tier by tier (a copy). */
    public synchronized List<List<TrackerUrl>> tiers() {
        return tiers.stream().map(List::copyOf).toList();
    }

    /**
     * Announces to the first tracker that answers, in the current order; completes with its answer and
     * which tracker gave it.
     */
    public CompletableFuture<Answer> announce(TrackerClient client, AnnounceRequest request) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(request, "request");
        List<TrackerUrl> order;
        synchronized (this) {
            order = tiers.stream().flatMap(List::stream).toList();
        }
        CompletableFuture<Answer> result = new CompletableFuture<>();
        attempt(client, request, order, 0, new ArrayList<>(), result);
        return result;
    }

    private void attempt(TrackerClient client, AnnounceRequest request, List<TrackerUrl> order, int index,
            List<Throwable> failures, CompletableFuture<Answer> result) {
        TrackerUrl url = order.get(index);
        client.announce(url, request).whenComplete((response, error) -> {
            if (error == null) {
                promote(url);
                result.complete(new Answer(url, response));
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            failures.add(cause);
            if (index + 1 < order.size()) {
                attempt(client, request, order, index + 1, failures, result);
                return;
            }
            for (int i = 0; i < failures.size() - 1; i++) {
                cause.addSuppressed(failures.get(i));
            }
            result.completeExceptionally(cause);
        });
    }

    /** BEP 12: a tracker that answered moves to the front of its tier. */
    private synchronized void promote(TrackerUrl url) {
        for (List<TrackerUrl> tier : tiers) {
            if (tier.remove(url)) {
                tier.add(0, url);
                return;
            }
        }
    }

    /** An announce's answer and the tracker that gave it. */
    public record Answer(TrackerUrl tracker, AnnounceResponse response) {
        public Answer {
            Objects.requireNonNull(tracker, "tracker");
            Objects.requireNonNull(response, "response");
        }
    }
}
