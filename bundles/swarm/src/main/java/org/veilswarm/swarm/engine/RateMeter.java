package org.veilswarm.swarm.engine;

/** Bytes per second over the last few whole seconds, cheap enough to update per block. Not thread-safe. */
final class RateMeter {

    private static final long SECOND = 1_000_000_000L;
    private static final int WINDOW = 5;

    private final long[] buckets = new long[WINDOW];
    private final long origin;
    private long currentSecond;

    RateMeter(long nowNanos) {
        origin = nowNanos;
    }

    void add(long bytes, long nowNanos) {
        advance(nowNanos);
        buckets[(int) (currentSecond % WINDOW)] += bytes;
    }

    /** The average over the completed seconds of the window (the current, partial one is left out). */
    long rate(long nowNanos) {
        advance(nowNanos);
        long seconds = Math.min(WINDOW - 1, currentSecond);
        if (seconds == 0) {
            return buckets[0] * SECOND / Math.max(1, nowNanos - origin);
        }
        long sum = 0;
        for (long s = currentSecond - seconds; s < currentSecond; s++) {
            sum += buckets[(int) (s % WINDOW)];
        }
        return sum / seconds;
    }

    private void advance(long nowNanos) {
        long second = Math.max(0, (nowNanos - origin) / SECOND);
        for (long s = Math.max(currentSecond + 1, second - WINDOW + 1); s <= second; s++) {
            buckets[(int) (s % WINDOW)] = 0;
        }
        currentSecond = Math.max(currentSecond, second);
    }
}
