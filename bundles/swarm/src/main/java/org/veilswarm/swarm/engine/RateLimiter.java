package org.veilswarm.swarm.engine;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bandwidth limit the engine asks before it sends a block (upload) or requests one (download). One
 * limiter may be shared by several torrents (a global limit) and combined with a per-torrent one; the
 * engine waits for the longer of the two delays. The {@code choker} package's token buckets fit:
 * {@code HierarchicalRateLimiter global = HierarchicalRateLimiter.root(rate, burst, System::nanoTime);}
 * then {@code global::reserve} here and {@code global.child(torrentRate, burst)::reserve} per torrent.
 */
@ConsumerType
public interface RateLimiter {

    /** No limit. */
    RateLimiter UNLIMITED = bytes -> 0;

    /**
     * Takes {@code bytes} from the budget and says how long to wait before using them: 0 means now. The
     * budget may go into debt; the delay then pays it back. Must be thread-safe and must not block.
     *
     * @return nanoseconds to wait, never negative
     */
    long reserve(int bytes);
}
