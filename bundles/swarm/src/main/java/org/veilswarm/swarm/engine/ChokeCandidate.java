package org.veilswarm.swarm.engine;

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
 */
public record ChokeCandidate(long connectionId, TransportAddress address, String transportScheme,
                             boolean interested, boolean unchoked, long downloadRate, long uploadRate,
                             long connectedAtNanos) {
}
