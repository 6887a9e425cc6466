package org.veilswarm.console.impl.stats;

import java.util.Map;

/**
 * The swarm's transfer counters at one moment, per torrent.
 *
 * @param uploaded torrent → payload bytes sent to peers in the torrent's session
 * @param downloaded torrent → payload bytes received in the torrent's session
 * @param uploadRate recent payload bytes/s sent, all torrents
 * @param downloadRate recent payload bytes/s received, all torrents
 * @param torrents torrents running (shares seeded and downloads)
 * @param peers peers connected over all torrents
 */
public record TransferReading(Map<Object, Long> uploaded, Map<Object, Long> downloaded, long uploadRate,
        long downloadRate, int torrents, int peers) {

    public TransferReading {
        uploaded = Map.copyOf(uploaded);
        downloaded = Map.copyOf(downloaded);
    }
}
