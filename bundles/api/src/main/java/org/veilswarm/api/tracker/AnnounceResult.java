package org.veilswarm.api.tracker;

import java.util.List;

/**
 * A store's answer to an announce.
 *
 * @param peers other peers of the torrent (never the announcing one), at most {@code numWant}
 * @param counts the torrent's swarm figures after the announce
 */
public record AnnounceResult(List<PeerEntry> peers, SwarmCounts counts) {
    public AnnounceResult {
        peers = List.copyOf(peers);
    }
}
