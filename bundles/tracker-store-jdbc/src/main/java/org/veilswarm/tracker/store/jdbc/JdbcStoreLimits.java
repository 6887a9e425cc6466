package org.veilswarm.tracker.store.jdbc;

/**
 * Bounds of a JDBC store. Unlike the memory store there is no torrent limit: the database's disk is the bound.
 *
 * @param maxPeersPerTorrent peers kept per torrent; a new peer of a full torrent still gets a peer list but is
 *                           not recorded (existing peers are never evicted early, so fake peers cannot push real
 *                           ones out)
 * @param maxNumWant upper bound of the peers one announce returns, whatever {@code numwant} asked
 * @param changeRetention changes kept for {@code changesSince}; older ones are deleted by {@code expirePeers}
 *                        (a mirror that falls further behind takes a full snapshot)
 */
public record JdbcStoreLimits(int maxPeersPerTorrent, int maxNumWant, int changeRetention) {
    /** Defaults: 2,000 peers per torrent, 200 peers per answer, 1,000,000 changes. */
    public static final JdbcStoreLimits DEFAULT = new JdbcStoreLimits(2_000, 200, 1_000_000);

    public JdbcStoreLimits {
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
