package org.veilswarm.swarm.engine;

import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides which peers we upload to (BEP 3 "choking"). The engine calls it every
 * {@link TorrentOptions#rechokeInterval()} and when a peer's interest changes, always from the
 * torrent's own thread, and sends {@code choke}/{@code unchoke} for the differences.
 */
@ConsumerType
public interface ChokingPolicy {

    /**
     * @param peers   every connected peer with its current state and rates
     * @param seeding whether we have the whole torrent (then upload rates matter, not download rates)
     * @return the {@link ChokeCandidate#connectionId()}s to unchoke; all others are choked
     */
    Set<Long> unchoke(List<ChokeCandidate> peers, boolean seeding);
}
