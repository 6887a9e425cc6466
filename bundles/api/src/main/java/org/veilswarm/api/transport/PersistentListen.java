package org.veilswarm.api.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Keeps asking a transport to listen until it does, with doubling delays, for as long as the caller wants the
 * listener. Anonymous transports often cannot listen when they are first bound: the native onion transport
 * has no directory consensus yet, tor has not bootstrapped; a node whose tracker or swarm engine gave up
 * after one attempt would never become reachable on them.
 *
 * <p>{@link #listener()} completes with the first listener; it never fails while retrying (each failure goes
 * to the {@code failed} callback with the delay until the next attempt) and is cancelled by {@link #close()}.
 * Closing also closes a listener that opened, even one that opened just as the close happened, and cancels the
 * attempt still in progress (the {@link Transport} contract: the transport abandons it), so a transport that waits
 * long before it can listen (the native onion transport waits for its directory) does not keep the caller's
 * {@code childInitializer}, and with it the caller's bundle revision, once the caller has gone.
 */
public final class PersistentListen implements AutoCloseable {
    private final Transport transport;
    private final ServiceKey key;
    private final int port;
    private final ChannelInitializer<Channel> childInitializer;
    private final ListenOptions options;
    private final ScheduledExecutorService timer;
    private final Duration maxDelay;
    private final BiConsumer<Throwable, Duration> failed;
    private final CompletableFuture<Listener> listener = new CompletableFuture<>();
    private Duration delay;
    private ScheduledFuture<?> next;
    /** The transport's stage of the attempt in progress, if any. */
    private CompletableFuture<Listener> inProgress;
    private boolean closed;

    private PersistentListen(Transport transport, ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            ListenOptions options, ScheduledExecutorService timer, Duration firstDelay, Duration maxDelay,
            BiConsumer<Throwable, Duration> failed) {
        this.options = Objects.requireNonNull(options, "options");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.key = key; // transports decide whether they need one (direct does not)
        this.port = port;
        this.childInitializer = Objects.requireNonNull(childInitializer, "childInitializer");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.delay = Objects.requireNonNull(firstDelay, "firstDelay");
        this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
        this.failed = Objects.requireNonNull(failed, "failed");
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("delays must be positive and maxDelay >= firstDelay");
        }
    }

    /**
     * Starts listening now and again after each failure.
     *
     * @param timer runs the retries (the caller owns it; retries stop when it shuts down)
     * @param failed told of each failed attempt and the delay before the next one
     */
    public static PersistentListen start(Transport transport, ServiceKey key, int port,
            ChannelInitializer<Channel> childInitializer, ScheduledExecutorService timer, Duration firstDelay,
            Duration maxDelay, BiConsumer<Throwable, Duration> failed) {
        return start(transport, key, port, childInitializer, ListenOptions.PUBLIC, timer, firstDelay, maxDelay, failed);
    }

    /**
     * {@link #start(Transport, ServiceKey, int, ChannelInitializer, ScheduledExecutorService, Duration, Duration,
     * BiConsumer)} listening with {@code options} (client authorization).
     *
     * @since 1.3
     */
    public static PersistentListen start(Transport transport, ServiceKey key, int port,
            ChannelInitializer<Channel> childInitializer, ListenOptions options, ScheduledExecutorService timer,
            Duration firstDelay, Duration maxDelay, BiConsumer<Throwable, Duration> failed) {
        PersistentListen l = new PersistentListen(transport, key, port, childInitializer, options, timer, firstDelay,
                maxDelay, failed);
        l.attempt();
        return l;
    }

    /** Completes with the listener once the transport listens; cancelled if closed before. */
    public CompletableFuture<Listener> listener() {
        return listener;
    }

    private void attempt() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        CompletionStage<Listener> stage;
        try {
            stage = options.clientAuthorization() ? transport.listen(key, port, childInitializer, options)
                    : transport.listen(key, port, childInitializer);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        // Cancelled through toCompletableFuture() (the transport's own future, for a transport built on
        // CompletableFuture), but followed on the stage itself: a stage that ignores the cancel and opens a
        // listener anyway still has it closed below.
        CompletableFuture<Listener> attempt = stage.toCompletableFuture();
        synchronized (this) {
            inProgress = attempt;
            if (closed) { // closed while the transport was asked
                attempt.cancel(false);
            }
        }
        stage.whenComplete((opened, error) -> {
            synchronized (this) {
                if (inProgress == attempt) {
                    inProgress = null;
                }
            }
            if (error == null) {
                boolean keep;
                synchronized (this) {
                    keep = !closed;
                }
                if (!keep || !listener.complete(opened)) {
                    opened.closeAsync();
                }
                return;
            }
            Duration wait;
            synchronized (this) {
                if (closed) {
                    return;
                }
                wait = delay;
                Duration doubled = delay.multipliedBy(2);
                delay = doubled.compareTo(maxDelay) > 0 ? maxDelay : doubled;
            }
            // Reported before the next attempt is scheduled: that attempt may fail and report on the timer's
            // thread while this one is still on its way, and failures must be reported in the order they happen.
            failed.accept(error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : error, wait);
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    next = timer.schedule(this::attempt, wait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                    return;
                }
            }
        });
    }

    /** Stops retrying and closes the listener if one opened; returns when the close is under way. */
    public CompletionStage<Void> closeAsync() {
        CompletableFuture<Listener> attempt;
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
            attempt = inProgress;
        }
        if (attempt != null) {
            attempt.cancel(false);
        }
        listener.cancel(false);
        if (listener.isCancelled()) {
            return CompletableFuture.completedFuture(null);
        }
        return listener.join().closeAsync();
    }

    @Override
    public void close() {
        closeAsync().toCompletableFuture().join();
    }
}
