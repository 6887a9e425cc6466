package org.veilswarm.tracker.store.memory;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;

/**
 * Registers a {@link MemoryTrackerStore} as the {@code tracker.store=memory} {@link TrackerStore}. A
 * configuration change replaces the component (no {@code modified} method), which empties the store: a
 * memory store has nothing to keep across restarts, and mirrors resynchronise with a snapshot.
 */
@Component(service = TrackerStore.class, configurationPid = MemoryTrackerStoreComponent.PID,
        property = TrackerStore.STORE + "=memory")
@Designate(ocd = MemoryTrackerStoreComponent.Config.class)
public class MemoryTrackerStoreComponent implements TrackerStore {
    /** The configuration PID. */
    public static final String PID = "org.veilswarm.tracker.store.memory";

    @ObjectClassDefinition(id = PID, name = "Veilswarm tracker store (memory)",
            description = "Keeps tracker state in memory, within fixed bounds; lost when the node stops.")
    public @interface Config {
        @AttributeDefinition(name = "Maximum torrents", min = "1",
                description = "Torrents with a record or peers; announces for further torrents are refused.")
        int maxTorrents() default 10_000;

        @AttributeDefinition(name = "Maximum peers per torrent", min = "1",
                description = "New peers of a full torrent get a peer list but are not recorded.")
        int maxPeersPerTorrent() default 2_000;

        @AttributeDefinition(name = "Maximum peers per answer", min = "1",
                description = "Upper bound of numwant.")
        int maxNumWant() default 200;

        @AttributeDefinition(name = "Change feed retention", min = "1",
                description = "Changes kept for mirrors; a mirror further behind takes a full snapshot.")
        int changeRetention() default 100_000;
    }

    private final MemoryTrackerStore store;

    @Activate
    public MemoryTrackerStoreComponent(Config config) {
        this.store = new MemoryTrackerStore(new MemoryStoreLimits(config.maxTorrents(), config.maxPeersPerTorrent(),
                config.maxNumWant(), config.changeRetention()));
    }

    @Override
    public AnnounceResult announce(Announce announce) {
        return store.announce(announce);
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        return store.scrape(infoHashes);
    }

    @Override
    public int expirePeers(Instant cutoff) {
        return store.expirePeers(cutoff);
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        store.putTorrent(record);
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        return store.torrent(infoHash);
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        return store.removeTorrent(infoHash);
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        return store.search(query, limit);
    }

    @Override
    public TrackerStatistics statistics() {
        return store.statistics();
    }

    @Override
    public long headSequence() {
        return store.headSequence();
    }

    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        return store.changesSince(afterSequence, max);
    }

    @Override
    public long apply(Change change) {
        return store.apply(change);
    }
}
