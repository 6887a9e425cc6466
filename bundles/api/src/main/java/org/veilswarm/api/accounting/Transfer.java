package org.veilswarm.api.accounting;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Bytes moved, as recorded for accounting.
 *
 * @param kind uploaded, downloaded or relayed
 * @param peer the counterparty for uploads and downloads; empty for relayed bytes
 * @param bytes how many bytes (positive)
 * @param at when
 */
public record Transfer(TransferKind kind, Optional<PeerRef> peer, long bytes, Instant at) {
    public Transfer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(at, "at");
        if (bytes <= 0) {
            throw new IllegalArgumentException("a transfer moves at least one byte");
        }
    }
}
