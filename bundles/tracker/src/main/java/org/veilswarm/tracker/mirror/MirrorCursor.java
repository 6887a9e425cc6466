package org.veilswarm.tracker.mirror;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;

/**
 * Where a mirror stands: the source's epoch and the last source sequence applied (absent before the first
 * snapshot and after the source said the position is gone), and the torrents copied from the source, so that a
 * new snapshot can remove those the source no longer has.
 *
 * @param epoch the source's feed history the position belongs to
 * @param sequence the last source sequence number applied
 * @param torrents the mirrored torrents, 20-byte wire form
 */
public record MirrorCursor(Optional<FeedEpoch> epoch, long sequence, Set<InfoHash> torrents) {
    /** A mirror that has copied nothing yet. */
    public static final MirrorCursor EMPTY = new MirrorCursor(Optional.empty(), 0, Set.of());

    public MirrorCursor {
        Objects.requireNonNull(epoch, "epoch");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence cannot be negative");
        }
        torrents = Set.copyOf(torrents);
    }

    /** Whether the feed can be followed from here, or a snapshot is needed first. */
    public boolean positioned() {
        return epoch.isPresent();
    }

    MirrorCursor unpositioned() {
        return new MirrorCursor(Optional.empty(), 0, torrents);
    }
}
