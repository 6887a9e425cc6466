package org.veilswarm.tracker.store.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.veilswarm.tracker.store.memory.MemoryStoreLimits;

/**
 * How a {@link JournalTrackerStore} keeps its files.
 *
 * @param directory where the journal and snapshot files live (created owner-only if missing)
 * @param limits the bounds of the in-memory view, as for the memory store
 * @param flushInterval announces reach the disk at most this long after they were answered
 * @param fsync whether every flush is forced to the device ({@code fdatasync}); without, the OS writes it when it
 *        wants (a power loss may take more than one interval, a crash of the JVM alone does not)
 * @param compactAfterBytes the journal is folded into a new snapshot once it is longer than this and than the
 *        last snapshot
 * @param maxPendingBytes journal bytes not yet written at most; beyond it (the disk is failing) announces are
 *        refused, so the store never answers from a view the disk may never get
 */
public record JournalSettings(Path directory, MemoryStoreLimits limits, Duration flushInterval, boolean fsync,
        long compactAfterBytes, long maxPendingBytes) {

    public JournalSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(limits, "limits");
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flush interval must be positive");
        }
        if (compactAfterBytes < 1 || maxPendingBytes < 1) {
            throw new IllegalArgumentException("byte bounds must be positive");
        }
    }

    /** The defaults of the component: flush every second with fsync, compact past 8 MiB, 64 MiB pending. */
    public static JournalSettings defaults(Path directory) {
        return new JournalSettings(directory, MemoryStoreLimits.DEFAULT, Duration.ofSeconds(1), true, 8L << 20,
                64L << 20);
    }
}
