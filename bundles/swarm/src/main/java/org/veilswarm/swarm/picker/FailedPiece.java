package org.veilswarm.swarm.picker;

import java.util.List;
import java.util.Set;

/**
 * A piece that failed its hash check.
 *
 * @param contributors the peers that sent its blocks: one of them sent bad data (an engine may count
 *                     strikes against them; a peer that alone sent a whole failed piece is a liar)
 * @param cancels      requests for the piece still pending somewhere, now void
 */
public record FailedPiece<P>(Set<P> contributors, List<PeerRequest<P>> cancels) {

    public FailedPiece {
        contributors = Set.copyOf(contributors);
        cancels = List.copyOf(cancels);
    }
}
