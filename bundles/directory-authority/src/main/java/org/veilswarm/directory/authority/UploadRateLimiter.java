package org.veilswarm.directory.authority;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts events per key in fixed windows: at most {@code limit} per key per {@code interval}, counted from a
 * key's first event in the window. Holds at most {@code maxKeys} keys; when that many are active, a new key is
 * refused until windows expire (failing closed: a flood from ever new addresses cannot grow the map, and is
 * exactly what should be refused). Thread-safe.
 */
final class UploadRateLimiter {
    /** Keys tracked at once (a few MiB at most). */
    static final int MAX_KEYS = 65_536;

    private final int limit;
    private final Duration interval;
    private final Clock clock;
    private final int maxKeys;
    private final Map<Object, Window> windows = new HashMap<>();

    private static final class Window {
        final Instant start;
        int count;

        Window(Instant start) {
            this.start = start;
        }
    }

    UploadRateLimiter(int limit, Duration interval, Clock clock) {
        this(limit, interval, clock, MAX_KEYS);
    }

    UploadRateLimiter(int limit, Duration interval, Clock clock, int maxKeys) {
        if (limit < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("limit and maxKeys must be at least 1");
        }
        this.limit = limit;
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxKeys = maxKeys;
    }

    /** Counts one event for {@code key}; false when the key already used its allowance in this window. */
    synchronized boolean tryAcquire(Object key) {
        Instant now = clock.instant();
        Window w = windows.get(key);
        if (w != null && !now.isBefore(w.start.plus(interval))) {
            windows.remove(key);
            w = null;
        }
        if (w == null) {
            if (windows.size() >= maxKeys) {
                windows.values().removeIf(old -> !now.isBefore(old.start.plus(interval)));
                if (windows.size() >= maxKeys) {
                    return false;
                }
            }
            w = new Window(now);
            windows.put(key, w);
        }
        if (w.count >= limit) {
            return false;
        }
        w.count++;
        return true;
    }

    /**
     * The key an address is counted under: an IPv4 address itself, an IPv6 address by its /64 (one host
     * usually holds a whole /64, so counting single IPv6 addresses would be no limit).
     */
    static Object sourceKey(InetAddress address) {
        byte[] bytes = address.getAddress();
        // A ByteBuffer compares by content; the lengths (4, 8) keep IPv4 and IPv6 keys apart.
        return ByteBuffer.wrap(address instanceof Inet6Address ? Arrays.copyOf(bytes, 8) : bytes).asReadOnlyBuffer();
    }
}
