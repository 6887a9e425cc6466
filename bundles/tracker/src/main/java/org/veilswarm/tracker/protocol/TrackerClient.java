package org.veilswarm.tracker.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.tracker.http.StreamGet;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Announces to and scrapes HTTP trackers over any {@link StreamConnector}: one stream per request, closed
 * after the answer ({@code Connection: close}, as opentracker does anyway). Every call has a deadline; the
 * caller schedules the next announce with {@link AnnounceSchedule}.
 */
public final class TrackerClient {
    /** Largest response body accepted: a 200-peer answer is about 7 KiB. */
    public static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final String USER_AGENT = "Veilswarm/0.1";

    private final StreamConnector connector;
    private final Duration timeout;

    public TrackerClient(StreamConnector connector, Duration timeout) {
        this.connector = Objects.requireNonNull(connector, "connector");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = timeout;
    }

    /**
     * Announces; completes with the response, or exceptionally with {@link TrackerFailureException} (the
     * tracker refused), {@link TrackerResponseException} (bad answer or HTTP status) or a transport error.
     */
    public CompletableFuture<AnnounceResponse> announce(TrackerUrl url, AnnounceRequest request) {
        return get(url, request.toQuery()).thenApply(body -> {
            try {
                return AnnounceResponse.parse(body);
            } catch (TrackerFailureException | TrackerResponseException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Announces, retrying after transport errors, timeouts and bad answers with the back-off of
     * {@code schedule}, at most {@code maxAttempts} times in all. A {@code failure reason} is not retried:
     * the tracker understood and refused, and asking again at once would not change its mind. The caller
     * schedules the next regular announce with {@link AnnounceSchedule#afterSuccess}.
     */
    public CompletableFuture<AnnounceResponse> announce(TrackerUrl url, AnnounceRequest request,
            AnnounceSchedule schedule, int maxAttempts, ScheduledExecutorService scheduler) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        CompletableFuture<AnnounceResponse> result = new CompletableFuture<>();
        attempt(url, request, schedule, maxAttempts, scheduler, result);
        return result;
    }

    private void attempt(TrackerUrl url, AnnounceRequest request, AnnounceSchedule schedule, int attemptsLeft,
            ScheduledExecutorService scheduler, CompletableFuture<AnnounceResponse> result) {
        announce(url, request).whenComplete((response, error) -> {
            if (error == null) {
                schedule.afterSuccess(response);
                result.complete(response);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof TrackerFailureException || attemptsLeft <= 1) {
                result.completeExceptionally(cause);
                return;
            }
            Duration delay = schedule.afterFailure();
            scheduler.schedule(() -> attempt(url, request, schedule, attemptsLeft - 1, scheduler, result),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** Scrapes (BEP 48) {@code infoHashes} at a scrape URL ({@link TrackerUrl#scrape()}). */
    public CompletableFuture<Map<InfoHash, SwarmCounts>> scrape(TrackerUrl scrapeUrl, List<InfoHash> infoHashes) {
        return get(scrapeUrl, ScrapeRequest.toQuery(infoHashes)).thenApply(body -> {
            try {
                return ScrapeResponse.parse(body);
            } catch (TrackerFailureException | TrackerResponseException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** GETs {@code url?query} and completes with the body of a 200 answer. */
    public CompletableFuture<byte[]> get(TrackerUrl url, String query) {
        String target = query.isEmpty() ? url.path() : url.path() + "?" + query;
        return StreamGet.get(connector, url.address(), url.hostHeader(), USER_AGENT, target, MAX_RESPONSE_BYTES,
                timeout, new StreamGet.Outcomes<>() {
                    @Override
                    public byte[] answer(FullHttpResponse response) throws TrackerResponseException {
                        if (!response.status().equals(HttpResponseStatus.OK)) {
                            throw new TrackerResponseException("tracker " + url + " answered HTTP "
                                    + response.status(), response.status().code());
                        }
                        return ByteBufUtil.getBytes(response.content());
                    }

                    @Override
                    public Throwable connectFailed(Throwable cause) {
                        return cause;
                    }

                    @Override
                    public Throwable sendFailed(Throwable cause) {
                        return cause;
                    }

                    @Override
                    public Throwable closedEarly() {
                        return new TrackerResponseException("tracker " + url + " closed the stream before answering");
                    }

                    @Override
                    public Throwable failed(Throwable cause) {
                        return new TrackerResponseException("tracker " + url + ": " + cause.getMessage(), cause);
                    }

                    @Override
                    public Throwable timedOut() {
                        return new TimeoutException("tracker " + url + " did not answer within " + timeout);
                    }
                });
    }
}
