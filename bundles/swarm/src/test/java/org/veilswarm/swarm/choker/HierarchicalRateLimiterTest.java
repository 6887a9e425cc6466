package org.veilswarm.swarm.choker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a test clock: every figure is exact, nothing depends on the wall clock. */
class HierarchicalRateLimiterTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(0);

    @Test
    void aFullBucketServesItsBurstAtOnceThenMakesTheCallerWait() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(1000, 1000, clock::get);
        assertEquals(0, limiter.reserve(600, 0));
        assertEquals(0, limiter.reserve(400, 0));
        assertEquals(500 * MS, limiter.reserve(500, 0), "500 bytes of debt at 1000 B/s");
        assertEquals(-500, limiter.available(0));
        assertEquals(0, limiter.available(500 * MS), "paid back after the wait");
    }

    @Test
    void refillsAtTheRateUpToTheBurst() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(1000, 2000, clock::get);
        limiter.tryAcquire(2000, 0);
        assertEquals(1, limiter.available(1 * MS));
        assertEquals(1000, limiter.available(1 * S));
        assertEquals(2000, limiter.available(10 * S), "never above the burst");
    }

    @Test
    void fractionsOfBytesAreCarriedNotLost() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(3, 100, clock::get);
        limiter.tryAcquire(100, 0);
        long t = 0;
        for (int i = 0; i < 1000; i++) {
            t += S / 7; // steps that never divide evenly into bytes
            limiter.available(t);
        }
        long expected = 3L * t / S; // 3 B/s over t
        assertEquals(Math.min(100, expected), limiter.available(t));
    }

    @Test
    void aSenderThatWaitsAsToldAchievesTheRateExactly() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(100_000, 16_384, clock::get);
        long now = 0;
        long sent = 0;
        while (now < 100 * S) {
            now += limiter.reserve(16_384, now); // wait, then send
            sent += 16_384;
        }
        // 100 s at 100,000 B/s plus the initial burst, within one block.
        long expected = 100L * 100_000 + 16_384;
        assertTrue(Math.abs(sent - expected) <= 16_384, "sent " + sent + ", expected about " + expected);
    }

    @Test
    void tryAcquireGrantsOnlyWhatEveryBucketAlongTheChainHas() {
        HierarchicalRateLimiter global = HierarchicalRateLimiter.root(1000, 1000, clock::get);
        HierarchicalRateLimiter torrent = global.child(500, 500);
        assertEquals(500, torrent.tryAcquire(800, 0), "the torrent's own burst");
        assertEquals(500, global.available(0), "spent in the parent too");
        assertEquals(0, torrent.tryAcquire(1, 0));
        HierarchicalRateLimiter other = global.child(5000, 5000);
        assertEquals(500, other.tryAcquire(5000, 0), "the parent has only 500 left");
        assertEquals(0, global.available(0));
    }

    @Test
    void torrentsTogetherNeverExceedTheGlobalLimit() {
        HierarchicalRateLimiter global = HierarchicalRateLimiter.root(1000, 1000, clock::get);
        HierarchicalRateLimiter a = global.child(800, 800);
        HierarchicalRateLimiter b = global.child(800, 800);
        long sentA = 0;
        long sentB = 0;
        for (long now = 0; now <= 60 * S; now += 10 * MS) {
            sentA += a.tryAcquire(1 << 20, now);
            sentB += b.tryAcquire(1 << 20, now);
        }
        assertTrue(sentA + sentB <= 60 * 1000 + 1000, "global: " + (sentA + sentB));
        assertTrue(sentA + sentB >= 60 * 1000, "the global budget is used: " + (sentA + sentB));
        assertTrue(sentA <= 60 * 800 + 800 && sentB <= 60 * 800 + 800, sentA + " / " + sentB);
    }

    @Test
    void reserveWaitsForTheSlowestBucketAlongTheChain() {
        HierarchicalRateLimiter global = HierarchicalRateLimiter.root(1000, 100, clock::get);
        HierarchicalRateLimiter torrent = global.child(100, 100);
        assertEquals(1900 * MS, torrent.reserve(290, 0), "torrent: 190 bytes short at 100 B/s");
        assertEquals(190 * MS, global.reserve(0, 0), "global: 190 bytes short at 1000 B/s");
        assertEquals(190 * MS, global.child(1_000_000, 1_000_000).reserve(0, 0), "a fast sibling waits for the parent");
    }

    @Test
    void anUnlimitedRootOnlyCarriesItsChildrensLimits() {
        HierarchicalRateLimiter root = HierarchicalRateLimiter.unlimited(clock::get);
        HierarchicalRateLimiter torrent = root.child(1000, 1000);
        assertEquals(0, root.reserve(Integer.MAX_VALUE, 0));
        assertEquals(Long.MAX_VALUE, root.available(0));
        assertEquals(1000, torrent.tryAcquire(5000, 0));
        assertEquals(1 * S, torrent.reserve(1000, 0));
    }

    @Test
    void theRootsClockServesReserveWithoutATime() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(1000, 1000, clock::get);
        assertEquals(0, limiter.reserve(1000));
        assertEquals(1 * S, limiter.reserve(1000));
        clock.set(2 * S);
        assertEquals(0, limiter.reserve(1000), "two seconds later the debt is paid and a second earned");
    }

    @Test
    void changingTheLimitAppliesFromNow() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(1000, 1000, clock::get);
        limiter.tryAcquire(1000, 0);
        limiter.setLimit(10, 10, S); // 1000 tokens earned by now, capped to the new burst
        assertEquals(10, limiter.available(S));
        limiter.tryAcquire(10, S);
        assertEquals(5, limiter.available(S + S / 2));
        assertEquals(10, limiter.bytesPerSecond());
    }

    @Test
    void debtIsBoundedAndBadArgumentsAreRefused() {
        HierarchicalRateLimiter limiter = HierarchicalRateLimiter.root(1, 1, clock::get);
        for (int i = 0; i < 10; i++) {
            limiter.reserve(Integer.MAX_VALUE, 0);
        }
        assertEquals(-HierarchicalRateLimiter.MAX_BURST, limiter.available(0));
        assertThrows(IllegalArgumentException.class, () -> limiter.reserve(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> HierarchicalRateLimiter.root(0, 1, clock::get));
        assertThrows(IllegalArgumentException.class, () -> HierarchicalRateLimiter.root(1, 0, clock::get));
        assertThrows(IllegalArgumentException.class,
                () -> HierarchicalRateLimiter.root(1, HierarchicalRateLimiter.MAX_BURST + 1, clock::get));
    }
}
