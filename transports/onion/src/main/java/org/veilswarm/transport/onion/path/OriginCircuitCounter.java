package org.veilswarm.transport.onion.path;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.veilswarm.transport.onion.circuit.OriginCircuit;

/**
 * Counts this node's own circuits as {@link PathCircuits} builds them: built and failed since start, and how
 * many are open now (a built circuit counts as open until its {@link OriginCircuit#whenClosed()} fires).
 * Thread-safe; reading never blocks the event loops.
 */
public final class OriginCircuitCounter {
    private final LongAdder built = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicInteger open = new AtomicInteger();

    void countBuilt(OriginCircuit circuit) {
        built.increment();
        open.incrementAndGet();
        circuit.whenClosed().addListener(closed -> open.decrementAndGet());
    }

    void countFailed() {
        failed.increment();
    }

    /** Circuits built and not closed yet. */
    public int open() {
        return Math.max(0, open.get());
    }

    public long built() {
        return built.sum();
    }

    public long failed() {
        return failed.sum();
    }
}
