package org.veilswarm.transport.tor.monitor;

import java.time.Instant;
import java.util.List;

/**
 * A circuit this tor built (CIRC events, control-spec §4.1.1).
 *
 * @param id tor's circuit id
 * @param status LAUNCHED, EXTENDED, BUILT, GUARD_WAIT
 * @param path the relays so far, {@code $fingerprint~nickname}
 * @param purpose tor's PURPOSE, e.g. GENERAL, HS_SERVICE_INTRO, HS_CLIENT_REND
 * @param updated when the last event for this circuit arrived
 */
public record CircuitInfo(String id, String status, List<String> path, String purpose, Instant updated) {
    public CircuitInfo {
        path = List.copyOf(path);
    }
}
