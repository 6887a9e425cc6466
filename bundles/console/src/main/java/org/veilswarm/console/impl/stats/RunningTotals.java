package org.veilswarm.console.impl.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * A running total over counters that come and go: per-torrent byte counts start at zero with each torrent and
 * vanish with it, yet the node's total must never drop. Each reading adds what every counter grew since the
 * previous one; a counter seen for the first time adds all it holds. The first reading is no baseline: a
 * torrent's counters start with its session, in this node's life, so whatever it holds when the console first
 * looks (the console started after the share bundle, or was updated) was moved by this node and counts.
 *
 * @param <K> what identifies a counter (a torrent)
 */
public final class RunningTotals<K> {

    private Map<K, Long> last = Map.of();
    private long total;

    /** Folds in the counters as they are now and returns the total of everything they counted so far. */
    public synchronized long update(Map<K, Long> counters) {
        Map<K, Long> next = new HashMap<>(counters);
        for (Map.Entry<K, Long> counter : next.entrySet()) {
            long before = last.getOrDefault(counter.getKey(), 0L);
            // A counter that went down was reset under the same key: what it holds now is new.
            total += counter.getValue() >= before ? counter.getValue() - before : counter.getValue();
        }
        last = next;
        return total;
    }
}
