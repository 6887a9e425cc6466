package org.veilswarm.swarm.choker;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A token bucket in a tree of buckets: typically one global root and one child per torrent (and, if
 * wanted, per peer below that). Bytes spent through a bucket are spent in it and in every ancestor, so a
 * torrent never exceeds its own limit and all torrents together never exceed the global one.
 *
 * <p>Each bucket earns {@code bytesPerSecond} tokens and holds at most {@code burst}; a new bucket starts
 * full. Two ways to spend:
 * <ul>
 *   <li>{@link #reserve(int, long)} never refuses: it takes the bytes (a bucket may go into debt) and
 *   returns how long the caller must wait before using them — the longest wait along the chain. This is
 *   the shape of the engine's {@code RateLimiter.reserve(int)}, so {@code limiter::reserve} fits it.</li>
 *   <li>{@link #tryAcquire(long, long)} takes what is available now along the chain, never more.</li>
 * </ul>
 *
 * <p>Time comes from the caller ({@code now}, any monotonic nanosecond clock) or from the clock given
 * to the root; arithmetic is exact in integers (no drift over long runs). One lock per tree. Children
 * share their parent's budget first come, first served: fairness between torrents is the caller's
 * (e.g. by sending in small blocks).
 */
public final class HierarchicalRateLimiter {

    /** Rate of a bucket that does not limit (it still passes spending on to its ancestors). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Largest burst, and largest debt: keeps every product below in a long. */
    public static final long MAX_BURST = 1L << 32;

    private static final long SECOND = 1_000_000_000L;

    private final HierarchicalRateLimiter parent;
    private final Object lock;
    private final LongSupplier clock;
    private long bytesPerSecond;
    private long burst;
    private long tokens;
    /** Earned fractions of a byte, in byte-nanoseconds per second (0 <= carry < SECOND). */
    private long carry;
    private long refilledAt;

    private HierarchicalRateLimiter(HierarchicalRateLimiter parent, long bytesPerSecond, long burst, LongSupplier clock,
                                    long now) {
        check(bytesPerSecond, burst);
        this.parent = parent;
        this.lock = parent == null ? new Object() : parent.lock;
        this.clock = clock;
        this.bytesPerSecond = bytesPerSecond;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = now;
    }

    /**
     * A root bucket (the global limit).
     *
     * @param bytesPerSecond the rate, or {@link #UNLIMITED}
     * @param burst          bytes it may hold (1 .. {@link #MAX_BURST}); one second's worth is usual
     * @param clock          monotonic nanoseconds, used by {@link #reserve(int)}; tests pass their own
     */
    public static HierarchicalRateLimiter root(long bytesPerSecond, long burst, LongSupplier clock) {
        Objects.requireNonNull(clock, "clock");
        return new HierarchicalRateLimiter(null, bytesPerSecond, burst, clock, clock.getAsLong());
    }

    /** A root that does not limit, to hang per-torrent limits from. */
    public static HierarchicalRateLimiter unlimited(LongSupplier clock) {
        return root(UNLIMITED, MAX_BURST, clock);
    }

    /** A bucket below this one (e.g. a torrent's limit below the global one). */
    public HierarchicalRateLimiter child(long bytesPerSecond, long burst) {
        return new HierarchicalRateLimiter(this, bytesPerSecond, burst, clock, clock.getAsLong());
    }

    private static void check(long bytesPerSecond, long burst) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be positive (or UNLIMITED): " + bytesPerSecond);
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw new IllegalArgumentException("burst must be 1.." + MAX_BURST + ": " + burst);
        }
    }

    /** Changes this bucket's limit from now on; tokens above the new burst are dropped. */
    public void setLimit(long newBytesPerSecond, long newBurst, long now) {
        check(newBytesPerSecond, newBurst);
        synchronized (lock) {
            refill(now);
            bytesPerSecond = newBytesPerSecond;
            burst = newBurst;
            tokens = Math.min(tokens, newBurst);
        }
    }

    public long bytesPerSecond() {
        synchronized (lock) {
            return bytesPerSecond;
        }
    }

    /** Takes {@code bytes} now by the root's clock; see {@link #reserve(int, long)}. */
    public long reserve(int bytes) {
        return reserve(bytes, clock.getAsLong());
    }

    /**
     * Takes {@code bytes} from this bucket and every ancestor, going into debt where tokens are short.
     *
     * @return nanoseconds to wait before using the bytes: the longest wait along the chain, 0 for "now"
     */
    public long reserve(int bytes, long now) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        synchronized (lock) {
            long wait = 0;
            for (HierarchicalRateLimiter b = this; b != null; b = b.parent) {
                b.refill(now);
                if (b.bytesPerSecond != UNLIMITED) {
                    b.tokens = Math.max(-MAX_BURST, b.tokens - bytes);
                    wait = Math.max(wait, b.debtNanos());
                }
            }
            return wait;
        }
    }

    /** Takes up to {@code wanted} bytes that every bucket along the chain has now; returns how many. */
    public long tryAcquire(long wanted, long now) {
        if (wanted < 0) {
            throw new IllegalArgumentException("negative byte count " + wanted);
        }
        synchronized (lock) {
            long granted = wanted;
            for (HierarchicalRateLimiter b = this; b != null; b = b.parent) {
                b.refill(now);
                if (b.bytesPerSecond != UNLIMITED) {
                    granted = Math.min(granted, Math.max(0, b.tokens));
                }
            }
            for (HierarchicalRateLimiter b = this; b != null; b = b.parent) {
                if (b.bytesPerSecond != UNLIMITED) {
                    b.tokens -= granted;
                }
            }
            return granted;
        }
    }

    /** Tokens this bucket alone holds at {@code now} (negative while in debt). */
    public long available(long now) {
        synchronized (lock) {
            refill(now);
            return bytesPerSecond == UNLIMITED ? Long.MAX_VALUE : tokens;
        }
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed <= 0) {
            return;
        }
        refilledAt = now;
        if (bytesPerSecond == UNLIMITED) {
            return;
        }
        long room = burst - tokens; // at most 2 * MAX_BURST
        // Enough time to fill the bucket (checked without overflow): it is full, fractions are moot.
        if (elapsed >= ceilDiv(room * SECOND - carry, bytesPerSecond)) {
            tokens = burst;
            carry = 0;
            return;
        }
        long earned = elapsed * bytesPerSecond + carry; // < room * SECOND <= 2^33 * 10^9 < 2^63
        tokens += earned / SECOND;
        carry = earned % SECOND;
    }

    /** Nanoseconds until the debt is paid back at this bucket's rate. */
    private long debtNanos() {
        return tokens >= 0 ? 0 : ceilDiv(-tokens * SECOND - carry, bytesPerSecond);
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : a / b + (a % b == 0 ? 0 : 1);
    }
}
