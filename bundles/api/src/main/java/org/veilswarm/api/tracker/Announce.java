package org.veilswarm.api.tracker;

import java.util.Objects;

/**
 * One parsed, validated announce.
 *
 * @param peer the announcing peer (with {@code lastSeen} = time of the announce)
 * @param event the announce event
 * @param numWant how many peers the client asked for (already capped by the tracker)
 */
public record Announce(PeerEntry peer, AnnounceEvent event, int numWant) {
    public Announce {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(event, "event");
        if (numWant < 0) {
            throw new IllegalArgumentException("numwant cannot be negative");
        }
    }
}
