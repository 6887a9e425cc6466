package org.veilswarm.transport.onion.circuit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.api.transport.RelayCounters;

/**
 * Cells and bytes this relay forwarded between the two halves of other nodes' circuits, apart from
 * the cells that start or end at this hop (counted as own). Epochs roll over on {@link #roll()}
 * (scheduled by {@link OnionRelay} every {@link CircuitSettings#counterEpoch()}); the last
 * {@value #KEPT_EPOCHS} completed epochs are kept.
 */
public final class RelayTrafficCounters implements RelayCounters {
    static final int KEPT_EPOCHS = 48;

    private final Clock clock;
    private final LongAdder cellsRelayed = new LongAdder();
    private final LongAdder bytesRelayed = new LongAdder();
    private final LongAdder bytesOwn = new LongAdder();
    private final Deque<RelayCount> completed = new ArrayDeque<>();
    private Instant epochStart;

    public RelayTrafficCounters(Clock clock) {
        this.clock = clock;
        this.epochStart = clock.instant();
    }

    void relayed(int bytes) {
        cellsRelayed.increment();
        bytesRelayed.add(bytes);
    }

    void own(int bytes) {
        bytesOwn.add(bytes);
    }

    @Override
    public synchronized RelayCount current() {
        return new RelayCount(epochStart, clock.instant(), cellsRelayed.sum(), bytesRelayed.sum(), bytesOwn.sum());
    }

    @Override
    public synchronized List<RelayCount> completedEpochs() {
        return List.copyOf(completed);
    }

    /** Ends the current epoch and starts the next. Counts racing with the roll may land in either epoch. */
    public synchronized void roll() {
        Instant now = clock.instant();
        completed.addLast(new RelayCount(epochStart, now, cellsRelayed.sumThenReset(), bytesRelayed.sumThenReset(),
                bytesOwn.sumThenReset()));
        while (completed.size() > KEPT_EPOCHS) {
            completed.removeFirst();
        }
        epochStart = now;
    }

}
