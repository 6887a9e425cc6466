package org.veilswarm.transport.onion.service;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.transport.onion.hs.rend.IntroductionTally;

/**
 * The counters behind {@link OnionServices#counts()}: one per {@link OnionServices}, shared by every service it
 * publishes and every time period of each, so that the totals outlive the periods and the services that fed
 * them (a {@code RendezvousService} and its own counters go with its period).
 */
final class ServiceStatistics implements IntroductionTally {
    private final LongAdder accepted = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final LongAdder rendezvousFailed = new LongAdder();
    private final LongAdder uploads = new LongAdder();
    private final LongAdder introPointsReplaced = new LongAdder();
    private final LongAdder connected = new LongAdder();
    private final Map<String, LongAdder> connectsFailed = new ConcurrentHashMap<>();

    @Override
    public void accepted() {
        accepted.increment();
    }

    @Override
    public void refused(String reason) {
        refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    @Override
    public void rendezvousFailed() {
        rendezvousFailed.increment();
    }

    void descriptorUploaded() {
        uploads.increment();
    }

    void introPointReplaced() {
        introPointsReplaced.increment();
    }

    /** Counts the end of one connect: a stream, or the step that failed ({@code other} for anything unforeseen). */
    void connectEnded(Throwable failure) {
        if (failure == null) {
            connected.increment();
            return;
        }
        connectsFailed.computeIfAbsent(failureWord(failure), r -> new LongAdder()).increment();
    }

    /** {@code descriptor-not-found} for {@link OnionServiceException.Failure#DESCRIPTOR_NOT_FOUND}, and so on. */
    static String failureWord(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof OnionServiceException e
                ? e.failure().name().toLowerCase(Locale.ROOT).replace('_', '-')
                : "other";
    }

    ServiceCounts snapshot(int published, int connections) {
        return new ServiceCounts(published, connections, uploads.sum(), accepted.sum(), sums(refused),
                rendezvousFailed.sum(), introPointsReplaced.sum(), connected.sum(), sums(connectsFailed));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((reason, count) -> {
            long sum = count.sum();
            if (sum > 0) {
                out.put(reason, sum);
            }
        });
        return out;
    }
}
