package org.veilswarm.transport.onion.circuit;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the circuit layer: how many circuits one link may carry (beyond that a CREATE2 is
 * answered with DESTROY RESOURCELIMIT), how long building one hop may take, and how long a relay
 * counter epoch lasts.
 */
public final class CircuitSettings {
    /** "MAX_RELAY_EARLY" of tor-spec §5.6: RELAY_EARLY cells a circuit may carry. */
    public static final int MAX_RELAY_EARLY = 8;

    private final int maxCircuitsPerLink;
    private final Duration buildTimeout;
    private final Duration counterEpoch;

    private CircuitSettings(int maxCircuitsPerLink, Duration buildTimeout, Duration counterEpoch) {
        if (maxCircuitsPerLink < 1) {
            throw new IllegalArgumentException("max circuits per link must be positive, got " + maxCircuitsPerLink);
        }
        this.maxCircuitsPerLink = maxCircuitsPerLink;
        this.buildTimeout = positive(buildTimeout, "build timeout");
        this.counterEpoch = positive(counterEpoch, "counter epoch");
    }

    private static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    /** 4096 circuits per link, 30 s per hop build, one-hour counter epochs. */
    public static CircuitSettings defaults() {
        return new CircuitSettings(4096, Duration.ofSeconds(30), Duration.ofHours(1));
    }

    public CircuitSettings withMaxCircuitsPerLink(int max) {
        return new CircuitSettings(max, buildTimeout, counterEpoch);
    }

    public CircuitSettings withBuildTimeout(Duration timeout) {
        return new CircuitSettings(maxCircuitsPerLink, timeout, counterEpoch);
    }

    public CircuitSettings withCounterEpoch(Duration epoch) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, epoch);
    }

    public int maxCircuitsPerLink() {
        return maxCircuitsPerLink;
    }

    /** Time one CREATE2 or EXTEND2 may take before the build fails and the circuit is destroyed. */
    public Duration buildTimeout() {
        return buildTimeout;
    }

    public Duration counterEpoch() {
        return counterEpoch;
    }
}
