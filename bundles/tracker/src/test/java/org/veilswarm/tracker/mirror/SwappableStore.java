package org.veilswarm.tracker.mirror;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

/**
 * A node whose memory store is replaced while it runs (what a restart or a store-bundle swap does to the
 * feed): every call goes to the current store, so the sequence starts again at 1 after {@link #replace()}.
 */
final class SwappableStore implements TrackerStore {
    private volatile MemoryTrackerStore current = new MemoryTrackerStore();

    void replace() {
        current = new MemoryTrackerStore();
    }

    @Override
    public AnnounceResult announce(Announce announce) {
        return current.announce(announce);
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        return current.scrape(infoHashes);
    }

    @Override
    public int expirePeers(Instant cutoff) {
        return current.expirePeers(cutoff);
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        current.putTorrent(record);
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        return current.torrent(infoHash);
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        return current.removeTorrent(infoHash);
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        return current.search(query, limit);
    }

    @Override
    public TrackerStatistics statistics() {
        return current.statistics();
    }

    @Override
    public long headSequence() {
        return current.headSequence();
    }

    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        return current.changesSince(afterSequence, max);
    }

    @Override
    public long apply(Change change) {
        return current.apply(change);
    }
}
