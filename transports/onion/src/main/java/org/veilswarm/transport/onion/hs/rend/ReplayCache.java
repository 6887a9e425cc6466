package org.veilswarm.transport.onion.hs.rend;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.veilswarm.crypto.Digests;

/**
 * INTRODUCE2 replay protection for one introduction point (rend-spec-v3 §3.2.2 "replay detection",
 * keyed as C tor does by the ENCRYPTED section): remembers the SHA3-256 of every encrypted section
 * seen. It never forgets within the intro point's life: when {@code capacity} is reached it refuses
 * every further introduction (the service must rotate the intro point, as C tor does after 16384 to
 * 32767 introductions), so a replay can never slip through an eviction. Thread-safe.
 */
final class ReplayCache {
    private final int capacity;
    private final Set<ByteBuffer> seen = new HashSet<>();

    ReplayCache(int capacity) {
        this.capacity = capacity;
    }

    /** Outcome of {@link #check}. */
    enum Result { FRESH, REPLAY, FULL }

    synchronized Result check(byte[] encryptedSection) {
        ByteBuffer digest = ByteBuffer.wrap(Digests.sha3_256(encryptedSection));
        if (seen.contains(digest)) {
            return Result.REPLAY;
        }
        if (seen.size() >= capacity) {
            return Result.FULL;
        }
        seen.add(digest);
        return Result.FRESH;
    }

    synchronized boolean full() {
        return seen.size() >= capacity;
    }

    synchronized int size() {
        return seen.size();
    }
}
