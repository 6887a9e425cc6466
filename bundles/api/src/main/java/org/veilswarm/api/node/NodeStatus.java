package org.veilswarm.api.node;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the node's state, as shown by {@code veilswarm status} and {@code GET /api/node}.
 *
 * @param address the node's onion address
 * @param nickname the operator-chosen display name (not secret, not unique)
 * @param version the software version
 * @param dataDirectory where the node keeps its keys, configuration and state
 * @param startedAt when the node started
 * @param uptime how long it has been running
 * @param transports the schemes of the transports currently bound (for example {@code direct}, {@code onion})
 * @param warnings things the operator should know, for example "the only transport is NOT anonymous"
 */
public record NodeStatus(OnionAddress address, String nickname, String version, Path dataDirectory,
        Instant startedAt, Duration uptime, List<String> transports, List<String> warnings) {

    public NodeStatus {
        transports = List.copyOf(transports);
        warnings = List.copyOf(warnings);
    }
}
