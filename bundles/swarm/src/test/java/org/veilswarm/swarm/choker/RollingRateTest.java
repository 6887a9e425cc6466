package org.veilswarm.swarm.choker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RollingRateTest {

    private static final long S = 1_000_000_000L;
    private static final long T0 = 7 * S; // any origin: the clock is the caller's

    @Test
    void aSteadyFlowReadsAsItsRate() {
        RollingRate rate = RollingRate.twentySeconds(T0);
        for (int s = 0; s < 60; s++) {
            rate.add(1000, T0 + s * S + S / 2);
        }
        assertEquals(1000, rate.rate(T0 + 60 * S), "20 s window of 1000 B/s");
        assertEquals(60_000, rate.total());
    }

    @Test
    void aNewPeerIsAveragedOverItsOwnTimeNotTheWholeWindow() {
        RollingRate rate = RollingRate.twentySeconds(T0);
        rate.add(5000, T0 + S / 2);
        assertEquals(5000, rate.rate(T0 + S));
        assertEquals(2500, rate.rate(T0 + 2 * S));
    }

    @Test
    void oldTrafficLeavesTheWindow() {
        RollingRate rate = new RollingRate(Duration.ofSeconds(10), T0);
        rate.add(100_000, T0);
        assertEquals(10_000, rate.rate(T0 + 10 * S - 1), "still inside: 100,000 bytes over 10 s");
        assertEquals(0, rate.rate(T0 + 10 * S), "its second has left the window");
        rate.add(3000, T0 + 1000 * S);
        assertEquals(333, rate.rate(T0 + 1000 * S), "after a long pause only the new bytes count (3000 over 9 s)");
    }

    @Test
    void aBurstCountsForAWindowNotForever() {
        RollingRate steady = RollingRate.twentySeconds(T0);
        RollingRate burst = RollingRate.twentySeconds(T0);
        for (int s = 0; s < 40; s++) {
            steady.add(1000, T0 + s * S);
        }
        burst.add(30_000, T0 + 5 * S);
        assertEquals(1000, steady.rate(T0 + 40 * S));
        assertEquals(0, burst.rate(T0 + 40 * S));
    }

    @Test
    void refusesWindowsItCannotHoldAndNegativeBytes() {
        assertThrows(IllegalArgumentException.class, () -> new RollingRate(Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> new RollingRate(Duration.ofMillis(2500), 0));
        assertThrows(IllegalArgumentException.class, () -> RollingRate.twentySeconds(0).add(-1, 0));
    }
}
