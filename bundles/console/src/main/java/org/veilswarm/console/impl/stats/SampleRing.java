package org.veilswarm.console.impl.stats;

import java.util.ArrayList;
import java.util.List;

/** The newest {@code capacity} samples; older ones fall off, so memory stays fixed however long a node runs. */
public final class SampleRing {

    private final StatsSample[] slots;
    private int next;
    private int size;

    public SampleRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.slots = new StatsSample[capacity];
    }

    public synchronized void add(StatsSample sample) {
        slots[next] = sample;
        next = (next + 1) % slots.length;
        size = Math.min(size + 1, slots.length);
    }

    /** Oldest first. */
    public synchronized List<StatsSample> snapshot() {
        List<StatsSample> copy = new ArrayList<>(size);
        int first = (next - size + slots.length) % slots.length;
        for (int i = 0; i < size; i++) {
            copy.add(slots[(first + i) % slots.length]);
        }
        return copy;
    }

    public int capacity() {
        return slots.length;
    }
}
