package org.veilswarm.tracker.store.memory;

/**
 * The bounds that keep a memory store's heap use predictable.
 *
 * <p>Rough cost on a 64-bit JVM with compressed pointers: about 350 bytes per peer (entry, address string,
 * map node), about 1 KiB per torrent record plus its text, and about 400 bytes per retained change. The
 * defaults (10,000 torrents x 2,000 peers worst case, 100,000 changes) therefore cap the store at roughly
 * 7 GiB only if every torrent is full; a node that tracks its own shares sees a tiny fraction of that, and
 * an operator who serves big public swarms lowers {@code maxTorrents}.
 *
 * @param maxTorrents torrents (with a record or peers) the store holds; announces for further new torrents
 *                    and new records are refused with {@link StoreFullException}
 * @param maxPeersPerTorrent peers kept per torrent; a new peer of a full torrent still gets a peer list but
 *                           is not recorded until a slot frees (existing peers are never evicted early, so
 *                           a flood of fake peers cannot push real ones out)
 * @param maxNumWant upper bound of the peers one announce returns, whatever {@code numwant} asked
 * @param changeRetention changes kept for {@code changesSince}; older ones are dropped (a mirror that falls
 *                        further behind must take a full snapshot, see {@link MemoryTrackerStore})
 */
public record MemoryStoreLimits(int maxTorrents, int maxPeersPerTorrent, int maxNumWant, int changeRetention) {
    /** Defaults: 10,000 torrents, 2,000 peers each, 200 peers per answer, 100,000 changes. */
    public static final MemoryStoreLimits DEFAULT = new MemoryStoreLimits(10_000, 2_000, 200, 100_000);

    public MemoryStoreLimits {
        positive("maxTorrents", maxTorrents);
        positive("maxPeersPerTorrent", maxPeersPerTorrent);
        positive("maxNumWant", maxNumWant);
        positive("changeRetention", changeRetention);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
