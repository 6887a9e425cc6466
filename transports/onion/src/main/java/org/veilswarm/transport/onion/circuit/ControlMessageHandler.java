package org.veilswarm.transport.onion.circuit;

import org.veilswarm.transport.onion.cell.RelayMessage;

/**
 * Takes the circuit-level relay messages (stream ID 0) addressed to a relay that the circuit layer
 * itself does not handle, e.g. the onion-service commands ESTABLISH_INTRO, INTRODUCE1,
 * ESTABLISH_RENDEZVOUS and RENDEZVOUS1 (rend-spec-v3 §3). Declared here so circuits know nothing of
 * onion services; installed with {@link OnionRelay#handleControlMessages}.
 */
@FunctionalInterface
public interface ControlMessageHandler {
    /** Called on the hop's event loop; returns false for a message it does not take (it is dropped, tor-spec §6.1). */
    boolean handle(HopControl hop, RelayMessage message);
}
