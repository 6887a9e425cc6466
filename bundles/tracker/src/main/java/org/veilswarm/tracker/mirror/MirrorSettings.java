package org.veilswarm.tracker.mirror;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of a {@link TrackerMirror}.
 *
 * @param limits bounds of the documents accepted
 * @param longPoll how long the source may hold a change request open when nothing is new (long poll)
 * @param requestTimeout deadline of a snapshot request, and of a change request on top of {@code longPoll}; a
 *                       source that takes longer is treated as stalled
 * @param minBackoff first pause after a failure; doubles per failure, with jitter
 * @param maxBackoff longest pause after failures
 * @param maxSharesPerNode most shares a {@link NodeMirror} mirrors (each is a {@link TrackerMirror}: a thread, a
 *                         cursor file and a waiting long poll); a longer index is truncated
 */
public record MirrorSettings(MirrorLimits limits, Duration longPoll, Duration requestTimeout, Duration minBackoff,
        Duration maxBackoff, int maxSharesPerNode) {

    /** Default limits, 20 s long polls, 15 s timeout, back-off from 1 s to 2 min, 64 shares per node mirror. */
    public static final MirrorSettings DEFAULT = new MirrorSettings(MirrorLimits.DEFAULT, Duration.ofSeconds(20),
            Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(2), 64);

    public MirrorSettings {
        Objects.requireNonNull(limits, "limits");
        for (Duration d : new Duration[] {longPoll, requestTimeout, minBackoff, maxBackoff}) {
            Objects.requireNonNull(d, "durations");
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations cannot be negative");
            }
        }
        if (requestTimeout.isZero() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("need a positive timeout and 0 < minBackoff <= maxBackoff");
        }
        if (maxSharesPerNode < 1) {
            throw new IllegalArgumentException("maxSharesPerNode must be at least 1");
        }
    }

    public MirrorSettings withLimits(MirrorLimits newLimits) {
        return new MirrorSettings(newLimits, longPoll, requestTimeout, minBackoff, maxBackoff, maxSharesPerNode);
    }

    public MirrorSettings withTiming(Duration newLongPoll, Duration newTimeout, Duration newMinBackoff,
            Duration newMaxBackoff) {
        return new MirrorSettings(limits, newLongPoll, newTimeout, newMinBackoff, newMaxBackoff, maxSharesPerNode);
    }

    public MirrorSettings withMaxSharesPerNode(int shares) {
        return new MirrorSettings(limits, longPoll, requestTimeout, minBackoff, maxBackoff, shares);
    }
}
