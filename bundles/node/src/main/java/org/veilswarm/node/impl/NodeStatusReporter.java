package org.veilswarm.node.impl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.api.node.NodeStatus;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.TransportInfo;

/**
 * Builds {@link NodeStatus} snapshots from what does not change while the node runs (address, version, data
 * directory, start time), the configured nickname, and the transports bound at the moment of the call.
 * Thread-safe.
 */
public final class NodeStatusReporter {

    private final OnionAddress address;
    private final String version;
    private final Path dataDirectory;
    private final Clock clock;
    private final Instant startedAt;
    private final BoundTransports transports;

    private volatile String nickname = Nickname.DEFAULT;
    private volatile String configurationWarning;

    public NodeStatusReporter(OnionAddress address, String version, Path dataDirectory, Clock clock,
            BoundTransports transports) {
        this.address = Objects.requireNonNull(address, "address");
        this.version = Objects.requireNonNull(version, "version");
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transports = Objects.requireNonNull(transports, "transports");
        this.startedAt = clock.instant();
    }

    /**
     * Applies a configured nickname. A bad one does not stop the node: the current nickname stays and the
     * status carries a warning until a valid one is configured.
     *
     * @return the warning if the nickname was rejected
     */
    public Optional<String> configureNickname(String requested) {
        try {
            nickname = Nickname.check(requested);
            configurationWarning = null;
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            String warning = "configuration " + NodeInfoComponent.PID + ": nickname rejected (" + e.getMessage()
                    + "); still using '" + nickname + "'";
            configurationWarning = warning;
            return Optional.of(warning);
        }
    }

    public String nickname() {
        return nickname;
    }

    public NodeStatus status() {
        List<String> schemes = new ArrayList<>();
        List<TransportInfo> infos = new ArrayList<>();
        for (BoundTransports.Bound bound : transports.snapshot()) {
            schemes.add(bound.scheme());
            infos.add(describe(bound));
        }
        List<String> warnings = new ArrayList<>(TransportWarnings.of(infos));
        String configuration = configurationWarning;
        if (configuration != null) {
            warnings.add(configuration);
        }
        Instant now = clock.instant();
        // A clock stepped backwards must not produce a negative uptime.
        Duration uptime = now.isBefore(startedAt) ? Duration.ZERO : Duration.between(startedAt, now);
        return new NodeStatus(address, nickname, version, dataDirectory, startedAt, uptime, schemes, warnings);
    }

    /**
     * What the transport says about itself. A transport that cannot say counts as not anonymous: the
     * operator must never be told the node is hidden when that is unknown.
     */
    static TransportInfo describe(BoundTransports.Bound bound) {
        try {
            return Objects.requireNonNull(bound.transport().info(), "info() returned null");
        } catch (RuntimeException e) {
            return new TransportInfo(bound.scheme(), Anonymity.NONE, false, 0,
                    "the transport failed to describe itself (" + e + "), so its anonymity is unknown");
        }
    }
}
