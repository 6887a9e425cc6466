package org.veilswarm.console.impl.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The newest {@code capacity} log lines, oldest first. */
public final class LogBuffer {

    private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
    private final int capacity;

    public LogBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    public synchronized void add(LogLine line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    public synchronized List<LogLine> snapshot() {
        return new ArrayList<>(lines);
    }
}
