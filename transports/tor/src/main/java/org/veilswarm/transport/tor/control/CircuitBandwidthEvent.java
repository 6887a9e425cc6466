package org.veilswarm.transport.tor.control;

import java.util.Map;

/**
 * {@code 650 CIRC_BW ID=<id> READ=<n> WRITTEN=<n> ...} (control-spec §4.1.26): bytes on one circuit
 * this tor originated since the previous event. Relayed circuits are not reported here.
 *
 * @param arguments every keyword argument, e.g. TIME, DELIVERED_READ, OVERHEAD_WRITTEN
 */
public record CircuitBandwidthEvent(String circuitId, long bytesRead, long bytesWritten, Map<String, String> arguments,
        ControlReply reply) implements TorEvent {
    public CircuitBandwidthEvent {
        arguments = Map.copyOf(arguments);
    }

    @Override
    public String type() {
        return "CIRC_BW";
    }
}
