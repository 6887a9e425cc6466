package org.veilswarm.transport.onion.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs the timers of published services (re-uploads, retries); every task is short and never blocks. */
@FunctionalInterface
interface ServiceTimer {
    /** Runs {@code task} once after {@code delay}; the returned action cancels it if it has not run yet. */
    Runnable schedule(Runnable task, Duration delay);

    /** Timers on {@code scheduler} (the transport's event loops). */
    static ServiceTimer on(ScheduledExecutorService scheduler) {
        return (task, delay) -> {
            ScheduledFuture<?> scheduled = scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> scheduled.cancel(false);
        };
    }

    /**
     * Timers on the JDK's shared delay thread ({@link CompletableFuture#delayedExecutor}), for callers that
     * give no scheduler; a cancelled task still waits out its delay there, doing nothing when it fires.
     */
    static ServiceTimer shared() {
        return (task, delay) -> {
            AtomicBoolean cancelled = new AtomicBoolean();
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!cancelled.get()) {
                    task.run();
                }
            });
            return () -> cancelled.set(true);
        };
    }
}
