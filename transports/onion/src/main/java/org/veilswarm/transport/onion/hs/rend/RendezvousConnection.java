package org.veilswarm.transport.onion.hs.rend;

import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.Future;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.stream.OnionStreamChannel;

/**
 * A joined rendezvous circuit seen from one end (rend-spec-v3 §3.4): the circuit to the rendezvous
 * point plus the end-to-end hop to the other end, where streams run. The client opens streams with
 * {@link #open}; on the service side streams arrive at its acceptor.
 */
public final class RendezvousConnection {
    private final OriginCircuit circuit;
    private final CircuitStreams streams;

    RendezvousConnection(OriginCircuit circuit, CircuitStreams streams) {
        this.circuit = circuit;
        this.streams = streams;
    }

    public OriginCircuit circuit() {
        return circuit;
    }

    public CircuitStreams streams() {
        return streams;
    }

    /**
     * Opens a stream to the service's {@code port}; {@code address} goes into BEGIN (the service ignores
     * it; pass the onion address). C tor sends an empty address here, which this project's BEGIN codec
     * does not accept yet.
     */
    public Future<OnionStreamChannel> open(String address, int port, ChannelHandler handler) {
        return streams.open(address, port, handler);
    }

    public void close() {
        circuit.destroy();
    }
}
