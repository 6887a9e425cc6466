package org.veilswarm.tracker.store.memory;

import java.util.List;
import java.util.Objects;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;

/**
 * Everything a {@link MemoryTrackerStore} holds at one moment, as immutable values: what a store that keeps its
 * state on disk writes as a snapshot and loads into an empty store at start ({@link MemoryTrackerStore#exportState},
 * {@link MemoryTrackerStore#importState}).
 *
 * @param head the sequence number of the latest change, 0 if none
 * @param completedTotal completions counted since the store began, over all torrents (the statistics' figure)
 * @param torrents every torrent with a record or peers
 * @param feed the retained changes, oldest first, contiguous and ending at {@code head}
 */
public record StoreState(long head, long completedTotal, List<Torrent> torrents, List<Change> feed) {

    public StoreState {
        if (head < 0 || completedTotal < 0) {
            throw new IllegalArgumentException("head and completed total cannot be negative");
        }
        torrents = List.copyOf(torrents);
        feed = List.copyOf(feed);
        for (int i = 0; i < feed.size(); i++) {
            if (feed.get(i).sequence() != head - feed.size() + 1 + i) {
                throw new IllegalArgumentException("the feed must be contiguous and end at head " + head);
            }
        }
    }

    /** A state with nothing in it. */
    public static final StoreState EMPTY = new StoreState(0, 0, List.of(), List.of());

    /**
     * One torrent.
     *
     * @param key the truncated (20-byte) info-hash the store keys it by
     * @param record its record, or null for a torrent known only by its peers
     * @param downloaded its completed counter (BEP 48 {@code downloaded})
     * @param peers its peers
     */
    public record Torrent(InfoHash key, TorrentRecord record, long downloaded, List<PeerEntry> peers) {
        public Torrent {
            Objects.requireNonNull(key, "key");
            if (downloaded < 0) {
                throw new IllegalArgumentException("downloaded cannot be negative");
            }
            peers = List.copyOf(peers);
            if (record == null && peers.isEmpty()) {
                throw new IllegalArgumentException("a torrent has a record or peers");
            }
        }
    }
}
