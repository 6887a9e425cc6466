package org.veilswarm.transport.onion.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void startsFullAndRefillsAtTheRateUpToTheBurst() {
        TokenBucket bucket = new TokenBucket(10, 20, now::get);
        for (int i = 0; i < 20; i++) {
            assertTrue(bucket.tryTake(1), "token " + i + " of the burst");
        }
        assertFalse(bucket.tryTake(1), "the burst is spent");
        now.addAndGet(500_000_000L); // half a second at 10/s
        for (int i = 0; i < 5; i++) {
            assertTrue(bucket.tryTake(1));
        }
        assertFalse(bucket.tryTake(1));
        now.addAndGet(3_600_000_000_000L); // an hour: capped at the burst
        assertEquals(20.0, bucket.available(), 1e-9);
    }

    @Test
    void tryTakeTakesNothingWhenThereIsNotEnough() {
        TokenBucket bucket = new TokenBucket(100, 100, now::get);
        assertFalse(bucket.tryTake(101));
        assertEquals(100.0, bucket.available(), 1e-9);
    }

    @Test
    void takeOverdrawsAndSaysHowLongTheDebtLasts() {
        TokenBucket bucket = new TokenBucket(1000, 1000, now::get);
        assertEquals(0, bucket.take(1000));
        assertEquals(500_000_000L, bucket.take(500), "500 bytes of debt at 1000 B/s");
        now.addAndGet(500_000_000L);
        assertEquals(0, bucket.take(0), "paid off after half a second");
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 10, now::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(10, 0, now::get));
    }
}
