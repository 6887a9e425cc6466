package org.veilswarm.api.accounting;

import java.util.Objects;

/**
 * An opaque reference to a counterparty, as the swarm knows it (for example a pseudonym per session).
 * Deliberately not the peer's relay identity: credit must not be linkable to it.
 *
 * @param id an identifier stable for as long as the counterparty should be recognised
 */
public record PeerRef(String id) {
    public PeerRef {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.length() > 256) {
            throw new IllegalArgumentException("peer reference must be 1-256 characters");
        }
    }
}
