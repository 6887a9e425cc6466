package org.veilswarm.console.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RunningTotalsTest {

    @Test
    void whatCountersHoldAtTheFirstReadingCounts() {
        // A torrent's counters start with its session: bytes it moved before the console looked are this node's.
        RunningTotals<String> totals = new RunningTotals<>();
        assertEquals(1_000, totals.update(Map.of("a", 1_000L)));
        assertEquals(1_250, totals.update(Map.of("a", 1_250L)));
    }

    @Test
    void countersAppearingLaterCountFromZero() {
        RunningTotals<String> totals = new RunningTotals<>();
        totals.update(Map.of());
        assertEquals(300, totals.update(Map.of("b", 300L)));
        assertEquals(400, totals.update(Map.of("b", 300L, "c", 100L)));
    }

    @Test
    void theTotalNeverDropsWhenACounterGoes() {
        RunningTotals<String> totals = new RunningTotals<>();
        totals.update(Map.of("a", 0L, "b", 0L));
        assertEquals(700, totals.update(Map.of("a", 500L, "b", 200L)));
        assertEquals(700, totals.update(Map.of("b", 200L)));
        assertEquals(700, totals.update(Map.of()));
    }

    @Test
    void aCounterThatWentDownWasResetAndHoldsOnlyNewBytes() {
        RunningTotals<String> totals = new RunningTotals<>();
        totals.update(Map.of("a", 0L));
        assertEquals(900, totals.update(Map.of("a", 900L)));
        assertEquals(940, totals.update(Map.of("a", 40L)));
    }
}
