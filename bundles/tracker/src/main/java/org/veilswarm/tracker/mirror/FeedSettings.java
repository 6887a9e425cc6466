package org.veilswarm.tracker.mirror;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of {@link FeedFollower}.
 *
 * @param pollInterval how often the store's head sequence is read while mirrors wait (long polls are open); it
 *                     bounds how late a waiting mirror hears of a change (one cheap query per interval whatever
 *                     the number of mirrors). With no mirror waiting the store is read once per
 *                     {@code idlePollInterval}, which keeps the view within the retention window
 * @param idlePollInterval how often the store is read while no mirror waits
 * @param retention changes kept for mirrors; a mirror further behind takes a new snapshot
 * @param readBatch changes read from the store per query while catching up
 * @param maxTorrents most torrents in the view (more are left out of snapshots, never out of the feed)
 * @param maxPeersPerTorrent most peers per torrent in the view
 */
public record FeedSettings(Duration pollInterval, Duration idlePollInterval, int retention, int readBatch, int maxTorrents,
        int maxPeersPerTorrent) {

    /** 10 ms polls (1 s when idle), 20,000 changes kept, 1,000 per read, 100,000 torrents of 2,000 peers. */
    public static final FeedSettings DEFAULT = new FeedSettings(Duration.ofMillis(10), Duration.ofSeconds(1), 20_000,
            1_000, 100_000, 2_000);

    public FeedSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(idlePollInterval, "idlePollInterval");
        if (pollInterval.isNegative() || pollInterval.isZero() || idlePollInterval.compareTo(pollInterval) < 0
                || retention < 1 || readBatch < 1 || maxTorrents < 1
                || maxPeersPerTorrent < 1) {
            throw new IllegalArgumentException("feed settings must be positive");
        }
    }

    public FeedSettings withRetention(int changes) {
        return new FeedSettings(pollInterval, idlePollInterval, changes, readBatch, maxTorrents, maxPeersPerTorrent);
    }
}
