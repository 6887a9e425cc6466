package org.veilswarm.console.impl.stats;

import java.time.Instant;
import java.util.List;

import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.RelayCounters.RelayCount;

/**
 * Turns a transport's per-epoch {@link RelayCounters} into running totals. Counters restart at every epoch, so
 * when the epoch changes the finished epoch's final count (from {@link RelayCounters#completedEpochs()}, or the
 * last value seen when the transport no longer lists it) is folded into a base.
 */
public final class EpochTotals {

    private Instant epochStart;
    private RelayCount lastSeen;
    private long baseRelayed;
    private long baseCells;
    private long baseOwn;

    /** Reads the counters and returns the totals since this object first saw them. */
    public synchronized StatsSample.Totals update(RelayCounters counters) {
        RelayCount current = counters.current();
        if (epochStart != null && !epochStart.equals(current.epochStart())) {
            RelayCount finished = finalCount(counters.completedEpochs(), epochStart, lastSeen);
            baseRelayed += finished.bytesRelayed();
            baseCells += finished.cellsRelayed();
            baseOwn += finished.bytesOwn();
        }
        if (epochStart == null) {
            // Count only what happens while we watch: the epoch may have run for hours before the console started.
            baseRelayed = -current.bytesRelayed();
            baseCells = -current.cellsRelayed();
            baseOwn = -current.bytesOwn();
        }
        epochStart = current.epochStart();
        lastSeen = current;
        return new StatsSample.Totals(baseRelayed + current.bytesRelayed(), baseCells + current.cellsRelayed(),
                baseOwn + current.bytesOwn());
    }

    private static RelayCount finalCount(List<RelayCount> completed, Instant start, RelayCount fallback) {
        for (RelayCount count : completed) {
            if (count.epochStart().equals(start)) {
                return count;
            }
        }
        return fallback;
    }
}
