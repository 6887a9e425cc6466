package org.veilswarm.swarm.engine;

import org.veilswarm.api.accounting.AccountingScheme;
import org.veilswarm.api.accounting.PeerRef;
import org.veilswarm.api.transport.TransportAddress;

/**
 * What a {@link ChokingPolicy} knows about one connected peer.
 *
 * @param connectionId       unique per connection within the engine
 * @param address            the peer's transport address (for inbound streams: what the transport reports)
 * @param transportScheme    which transport carries the connection ({@code direct}, {@code onion}, ...)
 * @param interested         the peer wants pieces we have
 * @param unchoked           we currently unchoke it
 * @param downloadRate       bytes/s of payload we receive from it (recent average)
 * @param uploadRate         bytes/s of payload we send it (recent average)
 * @param connectedAtNanos   when the handshake completed, on {@link System#nanoTime()}
 * @param accountingRef      how the engine names the peer to an {@link AccountingScheme}: its BEP 3 peer id,
 *                           a per-session pseudonym, never its relay identity
 */
public record ChokeCandidate(long connectionId, TransportAddress address, String transportScheme,
                             boolean interested, boolean unchoked, long downloadRate, long uploadRate,
                             long connectedAtNanos, PeerRef accountingRef) {
}
