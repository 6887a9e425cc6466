package org.veilswarm.console.impl.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * A running total over counters that come and go: per-torrent byte counts start at zero with each torrent and
 * vanish with it, yet the node's total must never drop. Each reading adds only what every counter grew since the
 * previous one; a counter seen for the first time adds all it holds, except at the very first reading, whose
 * values are the baseline (the console counts what happens while it watches, like {@link EpochTotals}).
 *
 * @param <K> what identifies a counter (a torrent)
 */
public final class RunningTotals<K> {

    private Map<K, Long> last;
    private long total;

    /** Folds in the counters as they are now and returns the total since the first call. */
    public synchronized long update(Map<K, Long> counters) {
        Map<K, Long> next = new HashMap<>(counters);
        if (last != null) {
            for (Map.Entry<K, Long> counter : next.entrySet()) {
                long before = last.getOrDefault(counter.getKey(), 0L);
                // A counter that went down was reset under the same key: what it holds now is new.
                total += counter.getValue() >= before ? counter.getValue() - before : counter.getValue();
            }
        }
        last = next;
        return total;
    }
}
