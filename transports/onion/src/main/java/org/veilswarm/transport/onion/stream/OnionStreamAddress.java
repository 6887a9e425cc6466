package org.veilswarm.transport.onion.stream;

import java.net.SocketAddress;

/** One end of a stream: the circuit edge it runs on and its stream ID (tor-spec §6.1). */
public final class OnionStreamAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    private final String circuit;
    private final int streamId;
    private final String target;

    OnionStreamAddress(String circuit, int streamId, String target) {
        this.circuit = circuit;
        this.streamId = streamId;
        this.target = target;
    }

    public int streamId() {
        return streamId;
    }

    /** What the stream was opened to ("host:port" of the BEGIN, or "BEGIN_DIR"). */
    public String target() {
        return target;
    }

    @Override
    public String toString() {
        return "stream " + streamId + " (" + target + ") on " + circuit;
    }
}
