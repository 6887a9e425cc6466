package org.veilswarm.swarm.picker;

import java.util.List;

/**
 * What a received block means to the picker.
 *
 * @param useful        the block was missing and should be handed to storage; false for duplicates,
 *                      blocks of pieces we have, and blocks the picker does not know
 * @param pieceComplete every block of the piece has arrived: verify it, then call
 *                      {@link PiecePicker#pieceVerified} or {@link PiecePicker#pieceFailed}
 * @param cancels       the same block pending at other peers (end-game): send them {@code cancel}
 */
public record BlockArrival<P>(boolean useful, boolean pieceComplete, List<PeerRequest<P>> cancels) {

    public BlockArrival {
        cancels = List.copyOf(cancels);
    }
}
