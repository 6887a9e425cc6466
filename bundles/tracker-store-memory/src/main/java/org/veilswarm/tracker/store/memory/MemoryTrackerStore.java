package org.veilswarm.tracker.store.memory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.CompactListBuilder;
import org.veilswarm.api.tracker.CompactPeer;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SearchIndex;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A {@link TrackerStore} in memory, bounded by {@link MemoryStoreLimits}.
 *
 * <p><b>Concurrency.</b> One lock guards the whole store. Every mutation and the change it appends happen
 * under that lock, so the feed order is the order in which mutations took effect and a reader of
 * {@link #changesSince} can never see sequence {@code n+1} before {@code n}. Each call is a few map
 * operations (an announce also samples at most {@code maxPeersPerTorrent} peers), so the lock is held for
 * microseconds and the store may be called from event-loop threads.
 *
 * <p><b>Peers</b> are keyed by their transport address within a torrent: an announce from the same address
 * replaces the entry (a client that restarts with a new peer id does not leave a ghost behind), and a
 * {@code stopped} event removes it. {@code completed} events increment the torrent's download counter
 * (BEP 48 {@code downloaded}). An announce never returns the announcing peer; a seeder is given leechers
 * only (a seeder has nothing to gain from other seeders), everyone else gets a random sample of all peers.
 *
 * <p><b>Info-hashes</b> are keyed by their 20-byte wire form ({@link InfoHash#truncated()}, BEP 52), so a
 * record put under a v2 hash and announces made with the truncated hash meet in one torrent; records keep
 * the hash they were put with.
 *
 * <p><b>Change feed and mirrors.</b> Sequence numbers start at 1 and increase by one per change. Only the
 * latest {@link MemoryStoreLimits#changeRetention()} changes are kept. A mirror asks
 * {@code changesSince(last)}; if the first change returned is not {@code last + 1}, the changes between
 * were dropped and the mirror must discard its copy and take a full snapshot (the tracker records and the
 * current peers of the source), then follow the feed from the snapshot's head sequence. The feed does not
 * carry the {@code completed} counter, so a mirror's {@code downloaded} figures count only completions it
 * saw itself (see the API proposal in the tracker docs).
 *
 * <p><b>Lifetime of a torrent.</b> A torrent exists while it has a record or at least one peer; when the
 * last peer of a torrent without record leaves, the torrent and its download counter are forgotten (that is
 * what keeps {@code maxTorrents} meaningful).
 */
public class MemoryTrackerStore implements TrackerStore {
    private static final Comparator<Ranked> BEST_FIRST = Comparator.comparingInt(Ranked::score).reversed()
            .thenComparing(r -> r.record().added(), Comparator.reverseOrder())
            .thenComparing(r -> r.record().infoHash());

    private final MemoryStoreLimits limits;
    private final Object lock = new Object();
    private final Map<InfoHash, Swarm> swarms = new HashMap<>();
    private final ArrayDeque<Change> feed = new ArrayDeque<>();
    private long head;
    private long completedTotal;

    public MemoryTrackerStore(MemoryStoreLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public MemoryTrackerStore() {
        this(MemoryStoreLimits.DEFAULT);
    }

    public MemoryStoreLimits limits() {
        return limits;
    }

    @Override
    public AnnounceResult announce(Announce announce) {
        return record(announce, (swarm, slots, counts) -> new AnnounceResult(swarm.peersAt(slots), counts));
    }

    /** {@link #announce}, the peers copied from the compact entries each peer got when it first announced. */
    @Override
    public CompactAnnounceResult announceCompact(Announce announce) {
        return record(announce, (swarm, slots, counts) -> swarm.compactAt(slots, counts));
    }

    /** Never: every call is a few map operations under one lock. */
    @Override
    public boolean announceMayBlock() {
        return false;
    }

    /** How an announce's answer is built from the chosen peers' slots (null: none, the peer stopped). */
    private interface Answer<T> {
        T build(Swarm swarm, int[] slots, SwarmCounts counts);
    }

    private static final int[] NO_SLOTS = new int[0];

    private <T> T record(Announce announce, Answer<T> answer) {
        PeerEntry peer = announce.peer();
        InfoHash key = peer.infoHash().truncated();
        synchronized (lock) {
            Swarm swarm = swarms.get(key);
            if (announce.event() == AnnounceEvent.STOPPED) {
                if (swarm != null && swarm.remove(peer.address()) != null) {
                    append(Change.Kind.PEER_REMOVE, peer.infoHash(), peer, null);
                    forgetIfEmpty(key, swarm);
                }
                return answer.build(swarm == null ? Swarm.EMPTY : swarm, NO_SLOTS,
                        swarm == null ? new SwarmCounts(0, 0, 0) : swarm.counts());
            }
            if (swarm == null) {
                swarm = newSwarm(key);
            }
            if (announce.event() == AnnounceEvent.COMPLETED) {
                swarm.downloaded++;
                completedTotal++;
            }
            int slot = swarm.put(peer, limits.maxPeersPerTorrent());
            if (slot >= 0) {
                append(Change.Kind.PEER_PUT, peer.infoHash(), peer, null);
            }
            int[] others = swarm.sample(slot, peer.seeder(), Math.min(announce.numWant(), limits.maxNumWant()));
            SwarmCounts counts = swarm.counts();
            forgetIfEmpty(key, swarm);
            return answer.build(swarm, others, counts);
        }
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        Map<InfoHash, SwarmCounts> out = new LinkedHashMap<>();
        synchronized (lock) {
            for (InfoHash hash : infoHashes) {
                Swarm swarm = swarms.get(hash.truncated());
                if (swarm != null) {
                    out.put(hash, swarm.counts());
                }
            }
        }
        return out;
    }

    @Override
    public int expirePeers(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        int removed = 0;
        synchronized (lock) {
            Iterator<Map.Entry<InfoHash, Swarm>> swarmIterator = swarms.entrySet().iterator();
            while (swarmIterator.hasNext()) {
                Swarm swarm = swarmIterator.next().getValue();
                for (PeerEntry peer : swarm.expire(cutoff)) {
                    append(Change.Kind.PEER_REMOVE, peer.infoHash(), peer, null);
                    removed++;
                }
                if (swarm.isEmpty()) {
                    swarmIterator.remove();
                }
            }
        }
        return removed;
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        Objects.requireNonNull(record, "record");
        synchronized (lock) {
            putTorrentLocked(record);
            append(Change.Kind.TORRENT_PUT, record.infoHash(), null, record);
        }
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        synchronized (lock) {
            Swarm swarm = swarms.get(infoHash.truncated());
            return swarm == null ? Optional.empty() : Optional.ofNullable(swarm.record);
        }
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        synchronized (lock) {
            Swarm swarm = swarms.remove(infoHash.truncated());
            if (swarm == null) {
                return false;
            }
            append(Change.Kind.TORRENT_REMOVE, infoHash, null, null);
            return true;
        }
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        Objects.requireNonNull(query, "query");
        if (limit < 0) {
            throw new IllegalArgumentException("limit cannot be negative: " + limit);
        }
        Set<String> tokens = SearchIndex.tokens(query);
        List<Ranked> ranked = new ArrayList<>();
        synchronized (lock) {
            for (Swarm swarm : swarms.values()) {
                if (swarm.record != null) {
                    int score = tokens.isEmpty() ? 0 : swarm.text.score(tokens);
                    if (tokens.isEmpty() || score > 0) {
                        ranked.add(new Ranked(swarm.record, score));
                    }
                }
            }
        }
        ranked.sort(BEST_FIRST);
        return ranked.stream().limit(limit).map(Ranked::record).toList();
    }

    @Override
    public TrackerStatistics statistics() {
        synchronized (lock) {
            long seeders = 0;
            long peers = 0;
            for (Swarm swarm : swarms.values()) {
                seeders += swarm.seeders;
                peers += swarm.peers.size();
            }
            return new TrackerStatistics(swarms.size(), seeders, peers - seeders, completedTotal);
        }
    }

    @Override
    public long headSequence() {
        synchronized (lock) {
            return head;
        }
    }

    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max cannot be negative: " + max);
        }
        synchronized (lock) {
            if (feed.isEmpty() || afterSequence >= head || max == 0) {
                return List.of();
            }
            long oldest = feed.peekFirst().sequence();
            // Changes are contiguous: skip straight to the first wanted one instead of scanning.
            int skip = (int) Math.max(0, afterSequence + 1 - oldest);
            List<Change> out = new ArrayList<>(Math.min(max, feed.size() - skip));
            Iterator<Change> it = feed.iterator();
            for (int i = 0; i < skip; i++) {
                it.next();
            }
            while (it.hasNext() && out.size() < max) {
                out.add(it.next());
            }
            return out;
        }
    }

    @Override
    public long apply(Change change) {
        Objects.requireNonNull(change, "change");
        InfoHash key = change.infoHash().truncated();
        synchronized (lock) {
            switch (change.kind()) {
                case PEER_PUT -> {
                    Swarm swarm = swarms.get(key);
                    if (swarm == null) {
                        swarm = newSwarm(key);
                    }
                    swarm.put(change.peer().orElseThrow(), limits.maxPeersPerTorrent());
                    forgetIfEmpty(key, swarm);
                }
                case PEER_REMOVE -> {
                    Swarm swarm = swarms.get(key);
                    if (swarm != null) {
                        swarm.remove(change.peer().orElseThrow().address());
                        forgetIfEmpty(key, swarm);
                    }
                }
                case TORRENT_PUT -> putTorrentLocked(change.torrent().orElseThrow());
                case TORRENT_REMOVE -> swarms.remove(key);
            }
            // The change enters this store's feed whether or not it altered anything, so that a mirror of
            // this mirror sees the same sequence of operations.
            return append(change.kind(), change.infoHash(), change.peer().orElse(null),
                    change.torrent().orElse(null));
        }
    }

    /**
     * A copy of everything the store holds, taken under its lock: the moment between two mutations. The values
     * are immutable, so the copy costs a list per torrent, not a copy of each peer.
     */
    public StoreState exportState() {
        synchronized (lock) {
            List<StoreState.Torrent> torrents = new ArrayList<>(swarms.size());
            for (Map.Entry<InfoHash, Swarm> entry : swarms.entrySet()) {
                Swarm swarm = entry.getValue();
                torrents.add(new StoreState.Torrent(entry.getKey(), swarm.record, swarm.downloaded,
                        new ArrayList<>(swarm.peers)));
            }
            return new StoreState(head, completedTotal, torrents, new ArrayList<>(feed));
        }
    }

    /**
     * Loads a state into this store, which must be empty (nothing recorded, no change made). Limits apply as to
     * any write: a state with more torrents than {@code maxTorrents} is refused with {@link StoreFullException},
     * peers past {@code maxPeersPerTorrent} are left out, and only the latest {@code changeRetention} changes are
     * kept.
     *
     * @throws IllegalStateException if the store is not empty
     */
    public void importState(StoreState state) {
        Objects.requireNonNull(state, "state");
        synchronized (lock) {
            if (head != 0 || !swarms.isEmpty()) {
                throw new IllegalStateException("a state can be imported only into an empty store");
            }
            if (state.torrents().size() > limits.maxTorrents()) {
                throw new StoreFullException("the state holds " + state.torrents().size()
                        + " torrents, more than this store's maximum of " + limits.maxTorrents());
            }
            for (StoreState.Torrent torrent : state.torrents()) {
                Swarm swarm = new Swarm();
                if (torrent.record() != null) {
                    swarm.record = torrent.record();
                    swarm.text = SearchIndex.of(torrent.record());
                }
                swarm.downloaded = torrent.downloaded();
                for (PeerEntry peer : torrent.peers()) {
                    swarm.put(peer, limits.maxPeersPerTorrent());
                }
                if (!swarm.isEmpty()) {
                    swarms.put(torrent.key(), swarm);
                }
            }
            head = state.head();
            completedTotal = state.completedTotal();
            List<Change> kept = state.feed();
            feed.addAll(kept.subList(Math.max(0, kept.size() - limits.changeRetention()), kept.size()));
        }
    }

    private void putTorrentLocked(TorrentRecord record) {
        InfoHash key = record.infoHash().truncated();
        Swarm swarm = swarms.get(key);
        if (swarm == null) {
            swarm = newSwarm(key);
        }
        swarm.record = record;
        swarm.text = SearchIndex.of(record);
    }

    private Swarm newSwarm(InfoHash key) {
        if (swarms.size() >= limits.maxTorrents()) {
            throw new StoreFullException("tracker is full: it holds its maximum of " + limits.maxTorrents()
                    + " torrents");
        }
        Swarm swarm = new Swarm();
        swarms.put(key, swarm);
        return swarm;
    }

    private void forgetIfEmpty(InfoHash key, Swarm swarm) {
        if (swarm.isEmpty()) {
            swarms.remove(key);
        }
    }

    private long append(Change.Kind kind, InfoHash infoHash, PeerEntry peer, TorrentRecord record) {
        head++;
        feed.addLast(new Change(head, kind, infoHash, Optional.ofNullable(peer), Optional.ofNullable(record)));
        while (feed.size() > limits.changeRetention()) {
            feed.removeFirst();
        }
        return head;
    }

    private record Ranked(TorrentRecord record, int score) {
    }

    /**
     * One torrent: its peers in an array list with an address index (so that a random peer is one array
     * access and removal is a swap with the last), counters and record. Guarded by the store lock.
     */
    private static final class Swarm {
        /** Stands in for a torrent that does not exist, to build an empty answer. */
        static final Swarm EMPTY = new Swarm();
        final ArrayList<PeerEntry> peers = new ArrayList<>();
        /** Each peer's {@link CompactPeer} entry, in the same slot: an address's entry never changes. */
        final ArrayList<byte[]> compact = new ArrayList<>();
        final HashMap<TransportAddress, Integer> index = new HashMap<>();
        /**
         * Which slots hold a seeder, beside {@link #peers}: a seeder's sample visits every slot it draws until
         * it has found enough leechers, and reading a bit is cheaper than following each slot's entry.
         */
        final BitSet seederSlots = new BitSet();
        int seeders;
        long downloaded;
        TorrentRecord record;
        SearchIndex text;

        /** Adds or updates a peer and returns its slot; -1 if the torrent is full and the peer is new. */
        int put(PeerEntry peer, int maxPeers) {
            Integer at = index.get(peer.address());
            if (at == null) {
                if (peers.size() >= maxPeers) {
                    return -1;
                }
                int slot = peers.size();
                index.put(peer.address(), slot);
                peers.add(peer);
                compact.add(CompactPeer.of(peer.address()));
                seederSlots.set(slot, peer.seeder());
                seeders += peer.seeder() ? 1 : 0;
                return slot;
            }
            PeerEntry previous = peers.set(at, peer);
            seederSlots.set(at, peer.seeder());
            seeders += (peer.seeder() ? 1 : 0) - (previous.seeder() ? 1 : 0);
            return at;
        }

        PeerEntry remove(TransportAddress address) {
            Integer at = index.remove(address);
            if (at == null) {
                return null;
            }
            PeerEntry removed = peers.get(at);
            PeerEntry last = peers.remove(peers.size() - 1);
            byte[] lastCompact = compact.remove(compact.size() - 1);
            seederSlots.clear(peers.size());
            if (at < peers.size()) {
                peers.set(at, last);
                compact.set(at, lastCompact);
                seederSlots.set(at, last.seeder());
                index.put(last.address(), at);
            }
            seeders -= removed.seeder() ? 1 : 0;
            return removed;
        }

        /** Removes the peers last seen before {@code cutoff}, returning them. */
        List<PeerEntry> expire(Instant cutoff) {
            List<PeerEntry> old = new ArrayList<>();
            for (PeerEntry peer : peers) {
                if (peer.lastSeen().isBefore(cutoff)) {
                    old.add(peer);
                }
            }
            old.forEach(p -> remove(p.address()));
            return old;
        }

        boolean isEmpty() {
            return peers.isEmpty() && record == null;
        }

        SwarmCounts counts() {
            return new SwarmCounts(seeders, peers.size() - seeders, downloaded);
        }

        /**
         * Up to {@code count} distinct random peers other than the one in {@code selfSlot} (-1: none), leechers
         * only for a seeder. The slots are visited from a random start with a random step coprime to the number
         * of peers, which visits every slot once in a scattered order: the pass usually stops after about
         * {@code count} slots (cost proportional to {@code count}, not to the swarm, no bookkeeping of slots
         * tried), and finds every eligible peer when few are (a seeder in a swarm of seeders).
         */
        int[] sample(int selfSlot, boolean leechersOnly, int count) {
            int n = peers.size();
            if (count == 0 || n == 0) {
                return NO_SLOTS;
            }
            int[] chosen = new int[Math.min(count, n)];
            int found = 0;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int step = 1;
            if (n > 2) {
                do {
                    step = 1 + random.nextInt(n - 1);
                } while (gcd(step, n) != 1);
            }
            int slot = random.nextInt(n);
            for (int visited = 0; visited < n && found < chosen.length; visited++) {
                if (eligible(slot, selfSlot, leechersOnly)) {
                    chosen[found++] = slot;
                }
                slot += step;
                if (slot >= n) {
                    slot -= n;
                }
            }
            return found == chosen.length ? chosen : java.util.Arrays.copyOf(chosen, found);
        }

        List<PeerEntry> peersAt(int[] slots) {
            List<PeerEntry> out = new ArrayList<>(slots.length);
            for (int slot : slots) {
                out.add(peers.get(slot));
            }
            return out;
        }

        CompactAnnounceResult compactAt(int[] slots, SwarmCounts counts) {
            CompactListBuilder out = new CompactListBuilder(slots.length);
            for (int slot : slots) {
                out.add(compact.get(slot));
            }
            return out.build(counts);
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }

        private boolean eligible(int slot, int selfSlot, boolean leechersOnly) {
            return slot != selfSlot && !(leechersOnly && seederSlots.get(slot));
        }
    }
}
