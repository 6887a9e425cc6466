package org.veilswarm.tracker.impl;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the tracker server.
 *
 * @param interval announce interval given to clients, seconds
 * @param minInterval minimum announce interval, seconds
 * @param defaultNumWant peers returned when the client gives no {@code numwant}
 * @param maxNumWant most peers returned, whatever {@code numwant} asks
 * @param maxScrapeHashes most {@code info_hash} parameters in one scrape
 * @param maxRequestLine longest request line, bytes; longer gets 414 and the stream is closed
 * @param maxHeaderBytes largest header block, bytes; larger gets 431 and the stream is closed
 * @param maxBodyBytes largest request body (trackers take none), bytes; larger gets 413
 * @param requestTimeout how long a stream may take to deliver a complete request, from its opening or from
 *                       the previous answer; then it is closed (slowloris and idle keep-alive streams alike)
 */
public record TrackerSettings(int interval, int minInterval, int defaultNumWant, int maxNumWant, int maxScrapeHashes,
        int maxRequestLine, int maxHeaderBytes, int maxBodyBytes, Duration requestTimeout) {

    /** 30 min interval, 15 min minimum, 50/200 peers, 64 hashes, 4 KiB line, 8 KiB headers, 10 s per request. */
    public static final TrackerSettings DEFAULT = new TrackerSettings(1800, 900, 50, 200, 64, 4096, 8192, 1024,
            Duration.ofSeconds(10));

    public TrackerSettings {
        if (interval < 1 || minInterval < 1 || minInterval > interval) {
            throw new IllegalArgumentException("need 1 <= minInterval <= interval");
        }
        if (defaultNumWant < 0 || maxNumWant < defaultNumWant) {
            throw new IllegalArgumentException("need 0 <= defaultNumWant <= maxNumWant");
        }
        if (maxScrapeHashes < 1 || maxRequestLine < 256 || maxHeaderBytes < 256 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("limits too small to serve any client");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    public TrackerSettings withRequestTimeout(Duration timeout) {
        return new TrackerSettings(interval, minInterval, defaultNumWant, maxNumWant, maxScrapeHashes, maxRequestLine,
                maxHeaderBytes, maxBodyBytes, timeout);
    }
}
