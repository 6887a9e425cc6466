package org.veilswarm.transport.onion.hs.rend;

import java.util.concurrent.CompletableFuture;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Where the service and client sides get their circuits: path selection (guards, middles from the
 * consensus) belongs to the transport, so this package only asks for "a circuit of the usual length
 * ending at {@code last}" (rend-spec-v3 §3: 3 hops ending at the intro or rendezvous point).
 */
public interface CircuitFactory {
    /** A circuit whose last hop is {@code last}. */
    CompletableFuture<OriginCircuit> build(RelayTarget last);

    /** A relay to use as rendezvous point (the client picks it, §3.3). */
    RelayTarget pickRendezvousPoint();
}
