package org.veilswarm.swarm.engine;

/**
 * The minimal {@link RateLimiter}: a token bucket of {@code bytesPerSecond} that holds at most one
 * second of tokens. The choker package is meant to bring the full limiter; this one keeps the engine's
 * limits usable and testable until then.
 */
public final class TokenBucketRateLimiter implements RateLimiter {

    private static final long SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final long capacity;
    private long tokens;
    private long refilledAt;

    public TokenBucketRateLimiter(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = bytesPerSecond;
        this.tokens = 0; // no initial burst: a limit holds from the first byte
        this.refilledAt = System.nanoTime();
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    @Override
    public synchronized long reserve(int bytes) {
        long now = System.nanoTime();
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            long earned = (long) ((double) elapsed * bytesPerSecond / SECOND);
            if (earned > 0) {
                tokens = Math.min(capacity, tokens + earned);
                refilledAt = now;
            }
        }
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) ((double) -tokens * SECOND / bytesPerSecond);
    }
}
