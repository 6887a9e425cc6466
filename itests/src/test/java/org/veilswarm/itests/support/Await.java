package org.veilswarm.itests.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling for conditions that become true asynchronously (DS activation, HTTP ports, files). */
public final class Await {
    private Await() {
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes; then fails with {@code what} and the
     * last state {@code describe} gives. The timeout only bounds the wait: no test asserts how long it took.
     */
    public static void until(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> describe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Boolean ok;
            try {
                ok = condition.get();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (Boolean.TRUE.equals(ok)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; last state: " + describe.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Like {@link #until(String, Duration, Supplier, Supplier)} without a state description. */
    public static void until(String what, Duration timeout, Supplier<Boolean> condition) {
        until(what, timeout, condition, () -> "(no detail)");
    }
}
