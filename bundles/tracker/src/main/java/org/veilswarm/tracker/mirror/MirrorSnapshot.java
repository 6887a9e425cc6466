package org.veilswarm.tracker.mirror;

import java.util.List;
import java.util.Objects;

/**
 * A source's data for one share at one point of its feed.
 *
 * @param epoch the source's feed history
 * @param head the last change of that history the snapshot includes; the feed continues after it
 * @param torrents the share's torrents the source knows, with records and peers
 */
public record MirrorSnapshot(FeedEpoch epoch, long head, List<MirroredTorrent> torrents) {
    public MirrorSnapshot {
        Objects.requireNonNull(epoch, "epoch");
        if (head < 0) {
            throw new IllegalArgumentException("head cannot be negative");
        }
        torrents = List.copyOf(torrents);
    }
}
