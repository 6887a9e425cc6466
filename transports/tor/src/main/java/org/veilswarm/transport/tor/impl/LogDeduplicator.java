package org.veilswarm.transport.tor.impl;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.veilswarm.transport.tor.monitor.LogEntry;

/**
 * tor's log lines with repeats folded as Nyx does: a line equal (severity and text) to one of the last
 * {@value #LOOKBACK} entries increments that entry's count and moves it to the end, so a storm of the same
 * warning is one line "×N" instead of pushing everything else out. At most {@code capacity} entries are kept.
 */
final class LogDeduplicator {
    static final int LOOKBACK = 8;

    private final int capacity;
    private final Deque<LogEntry> entries = new ArrayDeque<>();

    LogDeduplicator(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
    }

    synchronized void add(String severity, String message, Instant time) {
        Iterator<LogEntry> newestFirst = entries.descendingIterator();
        for (int i = 0; i < LOOKBACK && newestFirst.hasNext(); i++) {
            LogEntry entry = newestFirst.next();
            if (entry.severity().equals(severity) && entry.message().equals(message)) {
                newestFirst.remove();
                entries.addLast(new LogEntry(severity, message, entry.count() + 1, entry.first(), time));
                return;
            }
        }
        entries.addLast(new LogEntry(severity, message, 1, time, time));
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
    }

    /** Oldest first. */
    synchronized List<LogEntry> snapshot() {
        return new ArrayList<>(entries);
    }
}
