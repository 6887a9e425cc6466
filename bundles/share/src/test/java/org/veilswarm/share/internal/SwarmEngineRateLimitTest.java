package org.veilswarm.share.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.veilswarm.swarm.engine.RateLimiter;

/** The swarm engine component's rate-limit properties (uploadRate, downloadRate of PID org.veilswarm.swarm). */
class SwarmEngineRateLimitTest {

    @Test
    void zeroIsNoLimit() {
        assertSame(RateLimiter.UNLIMITED, SwarmEngineComponent.limit("uploadRate", 0));
    }

    @Test
    void aRateAllowsOneSecondsWorthAtOnceThenMakesTheEngineWait() {
        RateLimiter limit = SwarmEngineComponent.limit("downloadRate", 100_000);
        assertEquals(0, limit.reserve(100_000), "the burst is one second's worth");
        long wait = limit.reserve(10_000_000);
        // 10 MB more at 100 000 B/s: 100 s, less what refilled since the first call (far less than 50 s).
        assertTrue(wait > 50_000_000_000L && wait <= 100_000_000_000L, "waits about 100 s, got " + wait + " ns");
    }

    @Test
    void aNegativeRateFailsActivationNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SwarmEngineComponent.limit("uploadRate", -1));
        assertTrue(e.getMessage().startsWith("uploadRate must be 0 (no limit)"), e.getMessage());
    }
}
