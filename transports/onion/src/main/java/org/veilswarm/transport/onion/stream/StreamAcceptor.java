package org.veilswarm.transport.onion.stream;

import io.netty.channel.ChannelHandler;

/**
 * Decides which streams a circuit end takes (there are no exits, DESIGN §4): a relay's last hop
 * ({@link CircuitStreams#acceptOn}) or an origin circuit whose other end opens streams to it, such as
 * an onion service's rendezvous circuit ({@link CircuitStreams#attach(org.veilswarm.transport.onion.circuit.OriginCircuit, int, StreamAcceptor)}).
 * Called on the circuit's event loop; must not block.
 */
@FunctionalInterface
public interface StreamAcceptor {
    /** Refuses everything. */
    StreamAcceptor NONE = request -> null;

    /**
     * @return the handler to add to the accepted stream's pipeline (typically a
     *     {@code ChannelInitializer}), or null to refuse it: RELAY_END EXITPOLICY for a BEGIN,
     *     NOTDIRECTORY for a BEGIN_DIR (tor-spec §6.3)
     */
    ChannelHandler accept(StreamRequest request);
}
