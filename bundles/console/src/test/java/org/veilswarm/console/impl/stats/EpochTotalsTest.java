package org.veilswarm.console.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.RelayCounters.RelayCount;

class EpochTotalsTest {

    /** A transport's counters as a test sets them. */
    private static final class Counters implements RelayCounters {
        RelayCount current;
        final List<RelayCount> completed = new ArrayList<>();

        @Override
        public RelayCount current() {
            return current;
        }

        @Override
        public List<RelayCount> completedEpochs() {
            return completed;
        }
    }

    private static RelayCount epoch(long start, long cells, long relayed, long own) {
        return new RelayCount(Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + 3600), cells, relayed, own);
    }

    @Test
    void countsOnlyWhatHappensWhileWatching() {
        Counters counters = new Counters();
        counters.current = epoch(0, 10, 5_000, 700);
        EpochTotals totals = new EpochTotals();
        assertEquals(new StatsSample.Totals(0, 0, 0), totals.update(counters));
        counters.current = epoch(0, 12, 6_000, 900);
        assertEquals(new StatsSample.Totals(1_000, 2, 200), totals.update(counters));
    }

    @Test
    void carriesTheFinishedEpochsFinalCountAcrossTheEpochChange() {
        Counters counters = new Counters();
        counters.current = epoch(0, 10, 5_000, 0);
        EpochTotals totals = new EpochTotals();
        totals.update(counters);
        counters.current = epoch(0, 11, 5_500, 0);
        totals.update(counters);
        // The epoch ended at 6_000 (500 more than last seen), then the new one already counted 300.
        counters.completed.add(epoch(0, 12, 6_000, 0));
        counters.current = epoch(3600, 1, 300, 0);
        assertEquals(new StatsSample.Totals(1_300, 3, 0), totals.update(counters));
    }

    @Test
    void fallsBackToTheLastSeenCountWhenTheFinishedEpochIsNotListed() {
        Counters counters = new Counters();
        counters.current = epoch(0, 0, 0, 0);
        EpochTotals totals = new EpochTotals();
        totals.update(counters);
        counters.current = epoch(0, 4, 2_000, 10);
        totals.update(counters);
        counters.current = epoch(3600, 1, 100, 1);
        assertEquals(new StatsSample.Totals(2_100, 5, 11), totals.update(counters));
    }
}
