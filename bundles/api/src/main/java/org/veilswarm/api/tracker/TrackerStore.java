package org.veilswarm.api.tracker;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a tracker keeps its state. Every mutation appends to a change feed with strictly increasing
 * sequence numbers, which mirrors read with {@link #changesSince} and replay with {@link #apply}.
 *
 * <p>Implementations are thread-safe; the tracker calls them from its I/O threads, so calls must be quick
 * or the implementation must document that it blocks (the JDBC store does; the tracker runs it off the
 * event loop).
 */
@ConsumerType
public interface TrackerStore {

    /** Service property naming the store: {@code memory}, {@code jdbc}, ... */
    String STORE = "tracker.store";

    /** Records an announce (a {@code stopped} event removes the peer) and returns other peers of the torrent. */
    AnnounceResult announce(Announce announce);

    /**
     * {@link #announce} answered with the peers as compact lists, which is what almost every client asks for.
     * Same rules and same effect as {@link #announce}; stores that keep each peer's {@link CompactPeer} entry
     * override this to copy bytes instead of building {@link PeerEntry} lists (the default does that and
     * encodes them).
     *
     * @since 1.1
     */
    default CompactAnnounceResult announceCompact(Announce announce) {
        AnnounceResult result = announce(announce);
        return CompactAnnounceResult.of(result.peers(), result.counts());
    }

    /**
     * Whether {@link #announce}, {@link #announceCompact} and {@link #scrape} may wait (for a database, a lock
     * held across I/O): if so, the tracker calls them on threads of its own, never on a transport's event loop,
     * and pays a hand-over between threads for every request. The default says yes, the safe guess. A store
     * that answers them from memory says no even if its other calls block.
     *
     * @since 1.1
     */
    default boolean announceMayBlock() {
        return true;
    }

    /** Scrape figures (BEP 48) of the given torrents; unknown torrents are absent from the map. */
    Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes);

    /** Removes peers last seen before {@code cutoff}; returns how many were removed. */
    int expirePeers(Instant cutoff);

    /** Creates or replaces a torrent record. */
    void putTorrent(TorrentRecord record);

    /** The torrent record, if any. */
    Optional<TorrentRecord> torrent(InfoHash infoHash);

    /** Removes a torrent record and its peers; returns whether it existed. */
    boolean removeTorrent(InfoHash infoHash);

    /**
     * Full-text search over names, descriptions, tags and file names; best matches first, tokenised and
     * scored exactly as {@link SearchIndex} says.
     *
     * @param query words to look for; an empty query lists recent torrents
     * @param limit at most this many results
     */
    List<TorrentRecord> search(String query, int limit);

    /** Totals over the whole store. */
    TrackerStatistics statistics();

    /** The sequence number of the latest change, 0 if none. */
    long headSequence();

    /** Changes with a sequence number greater than {@code afterSequence}, in order, at most {@code max}. */
    List<Change> changesSince(long afterSequence, int max);

    /**
     * Applies a change replicated from another store (mirroring). The change enters this store's own feed
     * under this store's next sequence number; returns that number.
     */
    long apply(Change change);
}
