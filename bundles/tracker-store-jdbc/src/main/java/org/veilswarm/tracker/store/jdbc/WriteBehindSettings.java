package org.veilswarm.tracker.store.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * How far a {@link WriteBehindTrackerStore} may run ahead of its database.
 *
 * @param flushInterval how often queued writes go to the database (one transaction each time); this is how much
 *                      a crash of the process can lose (docs/tracker-stores.md, "Write-behind")
 * @param maxPendingWrites writes queued at most; beyond it announces are refused (the tracker answers 503,
 *                         "announce again later") until the database has caught up
 * @param maxLag how long a queued write may wait for the database (writes failing, database gone) before
 *               announces are refused the same way
 */
public record WriteBehindSettings(Duration flushInterval, int maxPendingWrites, Duration maxLag) {
    /** 1 s, 100,000 writes, 20 s. */
    public static final WriteBehindSettings DEFAULT = new WriteBehindSettings(Duration.ofSeconds(1), 100_000,
            Duration.ofSeconds(20));

    public WriteBehindSettings {
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(maxLag, "maxLag");
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive, got " + flushInterval);
        }
        if (maxPendingWrites < 1) {
            throw new IllegalArgumentException("maxPendingWrites must be at least 1, got " + maxPendingWrites);
        }
        if (maxLag.compareTo(flushInterval) <= 0) {
            throw new IllegalArgumentException("maxLag (" + maxLag + ") must be longer than flushInterval ("
                    + flushInterval + ")");
        }
    }
}
