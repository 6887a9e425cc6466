package org.veilswarm.tracker.protocol;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to announce next: after an answer, the tracker's {@code interval} (never less than its
 * {@code min interval} nor than {@link #floor}, so a tracker answering {@code interval 0} cannot make us spin);
 * after failures, exponential back-off with full jitter between {@code minBackoff} and {@code maxBackoff}.
 * Not thread-safe: one schedule per tracker per torrent.
 */
public final class AnnounceSchedule {
    private final Duration floor;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final RandomGenerator random;
    private int failures;

    public AnnounceSchedule(Duration floor, Duration minBackoff, Duration maxBackoff, RandomGenerator random) {
        this.floor = Objects.requireNonNull(floor, "floor");
        this.minBackoff = Objects.requireNonNull(minBackoff, "minBackoff");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff");
        }
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Defaults: at least 60 s between announces; back-off from 15 s to 30 min. */
    public static AnnounceSchedule defaults(RandomGenerator random) {
        return new AnnounceSchedule(Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofMinutes(30), random);
    }

    /** The delay before the next announce after {@code response}; resets the back-off. */
    public Duration afterSuccess(AnnounceResponse response) {
        failures = 0;
        long seconds = Math.max(response.interval(), response.minInterval());
        return Duration.ofSeconds(Math.max(seconds, floor.toSeconds()));
    }

    /** The delay before retrying after a failed announce: random in [minBackoff, min(max, min * 2^failures)]. */
    public Duration afterFailure() {
        int exponent = Math.min(failures, 30);
        failures++;
        long ceiling = Math.min(maxBackoff.toMillis(), minBackoff.toMillis() << exponent);
        if (ceiling < 0) {
            ceiling = maxBackoff.toMillis();
        }
        return Duration.ofMillis(minBackoff.toMillis() + random.nextLong(ceiling - minBackoff.toMillis() + 1));
    }

    /** Failed announces since the last success. */
    public int failures() {
        return failures;
    }
}
