package org.veilswarm.transport.tor.impl;

import java.util.ArrayList;
import java.util.List;
import org.veilswarm.transport.tor.monitor.BandwidthSample;

/** A fixed-size ring of the newest bandwidth samples: memory stays bounded however long tor runs. */
final class BandwidthHistory {
    private final BandwidthSample[] ring;
    private int next;
    private int size;

    BandwidthHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        ring = new BandwidthSample[capacity];
    }

    synchronized void add(BandwidthSample sample) {
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** Oldest first. */
    synchronized List<BandwidthSample> snapshot() {
        List<BandwidthSample> out = new ArrayList<>(size);
        int start = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out.add(ring[(start + i) % ring.length]);
        }
        return out;
    }
}
