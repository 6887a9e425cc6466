package org.veilswarm.swarm.choker;

import java.util.Objects;
import java.util.Optional;
import org.veilswarm.api.accounting.PeerRef;

/**
 * What the {@link Choker} knows of one connected peer at an evaluation.
 *
 * @param id            the engine's key for the peer (a connection id, a channel); equal across calls
 * @param interested    the peer is interested in what we have (only interested peers get slots)
 * @param downloadRate  bytes/s of payload it sent us recently (the engine's rolling average)
 * @param uploadRate    bytes/s of payload we sent it recently
 * @param connectedAt   when the connection was made, on the clock passed to {@link Choker#evaluate}
 * @param accountingRef how the bound accounting scheme knows this peer, if it does
 */
public record ChokerPeer<P>(P id, boolean interested, long downloadRate, long uploadRate, long connectedAt,
                            Optional<PeerRef> accountingRef) {

    public ChokerPeer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accountingRef, "accountingRef");
        if (downloadRate < 0 || uploadRate < 0) {
            throw new IllegalArgumentException("rates cannot be negative");
        }
    }

    /** A peer with no accounting reference. */
    public static <P> ChokerPeer<P> of(P id, boolean interested, long downloadRate, long uploadRate, long connectedAt) {
        return new ChokerPeer<>(id, interested, downloadRate, uploadRate, connectedAt, Optional.empty());
    }
}
