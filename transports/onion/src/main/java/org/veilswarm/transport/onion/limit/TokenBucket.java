package org.veilswarm.transport.onion.limit;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code rate} tokens per second accrue up to {@code burst}. Used for CREATE2 admission
 * per link (tokens = handshakes) and for relay bandwidth (tokens = bytes), as tor does for its
 * BandwidthRate/BandwidthBurst and DoSCircuitCreationRate/Burst options. Thread-safe.
 */
public final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long rate;
    private final long burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    /**
     * @param rate tokens added per second, positive
     * @param burst the most tokens the bucket holds (and holds at the start), at least 1
     * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
     */
    public TokenBucket(long rate, long burst, LongSupplier nanoTime) {
        if (rate < 1) {
            throw new IllegalArgumentException("token bucket rate must be positive, got " + rate);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("token bucket burst must be positive, got " + burst);
        }
        this.rate = rate;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.last = nanoTime.getAsLong();
    }

    public TokenBucket(long rate, long burst) {
        this(rate, burst, System::nanoTime);
    }

    /** Takes {@code n} tokens if the bucket holds them; otherwise takes nothing and returns false. */
    public synchronized boolean tryTake(long n) {
        refill();
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /**
     * Takes {@code n} tokens even if that overdraws the bucket (data already read must be passed on).
     *
     * @return nanoseconds until the bucket is out of debt again; 0 if it is not in debt
     */
    public synchronized long take(long n) {
        refill();
        tokens -= n;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / rate);
    }

    /** Tokens available now (negative while in debt). */
    public synchronized double available() {
        refill();
        return tokens;
    }

    public long rate() {
        return rate;
    }

    public long burst() {
        return burst;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + (double) elapsed * rate / NANOS_PER_SECOND);
            last = now;
        }
    }

    @Override
    public String toString() {
        return "TokenBucket[rate=" + rate + "/s, burst=" + burst + "]";
    }
}
