package org.veilswarm.swarm.choker;

import java.time.Duration;

/**
 * Bytes per second over the last {@code window} (mainline BitTorrent chokes on a 20-second rolling
 * average: long enough that one burst does not win a slot, short enough to follow a peer that slows
 * down). Kept in one-second buckets, so adding is O(1) and memory is one long per second of window.
 * Time comes from the caller, in nanoseconds on any monotonic clock. Not thread-safe: one per peer and
 * direction, updated from the peer's event loop.
 */
public final class RollingRate {

    private static final long SECOND = 1_000_000_000L;

    private final long[] buckets;
    private final long origin;
    private long second;
    private long total;

    /** @param window whole seconds, at least 2 */
    public RollingRate(Duration window, long now) {
        long seconds = window.toSeconds();
        if (seconds < 2 || seconds > 3600 || window.toNanos() % SECOND != 0) {
            throw new IllegalArgumentException("window must be 2..3600 whole seconds: " + window);
        }
        this.buckets = new long[(int) seconds];
        this.origin = now;
    }

    public static RollingRate twentySeconds(long now) {
        return new RollingRate(Duration.ofSeconds(20), now);
    }

    public void add(long bytes, long now) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        advance(now);
        buckets[(int) (second % buckets.length)] += bytes;
        total += bytes;
    }

    /**
     * The average over the window ({@code window - 1} whole seconds and the started one), or over the time since creation while that is shorter (so a new
     * peer's rate is not diluted by seconds it was not connected).
     */
    public long rate(long now) {
        advance(now);
        long elapsed = Math.max(1, now - origin);
        // The window is the completed seconds of the ring plus the part of the current one that passed.
        long span = Math.min(elapsed, (buckets.length - 1) * SECOND + (now - origin) % SECOND);
        long sum = 0;
        for (long b : buckets) {
            sum += b;
        }
        return (long) (sum * (double) SECOND / span);
    }

    /** Everything ever added. */
    public long total() {
        return total;
    }

    private void advance(long now) {
        long current = Math.max(0, (now - origin) / SECOND);
        if (current <= second) {
            return;
        }
        // Clear the buckets of the seconds that passed (all of them after a long pause).
        for (long s = Math.max(second + 1, current - buckets.length + 1); s <= current; s++) {
            buckets[(int) (s % buckets.length)] = 0;
        }
        second = current;
    }
}
