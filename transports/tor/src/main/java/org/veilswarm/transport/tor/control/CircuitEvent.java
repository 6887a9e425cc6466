package org.veilswarm.transport.tor.control;

import java.util.List;
import java.util.Map;

/**
 * {@code 650 CIRC <id> <status> [<path>] [keyword=value ...]} (control-spec §4.1.1).
 *
 * @param status LAUNCHED, BUILT, GUARD_WAIT, EXTENDED, FAILED or CLOSED
 * @param path the relays so far, as tor names them ({@code $fingerprint~nickname}); empty before the first hop
 * @param arguments BUILD_FLAGS, PURPOSE, HS_STATE, REASON, TIME_CREATED, ...
 */
public record CircuitEvent(String circuitId, String status, List<String> path, Map<String, String> arguments,
        ControlReply reply) implements TorEvent {
    public CircuitEvent {
        path = List.copyOf(path);
        arguments = Map.copyOf(arguments);
    }

    @Override
    public String type() {
        return "CIRC";
    }
}
