package org.veilswarm.transport.onion.circuit;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the circuit layer: how many circuits one link and the whole relay may carry, how fast a
 * link may ask for new ones and how many handshakes may wait, the relay's bandwidth, how long building
 * one hop may take, and how long a relay counter epoch lasts. A CREATE2 beyond any of these limits is
 * answered with DESTROY RESOURCELIMIT (tor-spec §5.4); the link stays up.
 */
public final class CircuitSettings {
    /** "MAX_RELAY_EARLY" of tor-spec §5.6: RELAY_EARLY cells a circuit may carry. */
    public static final int MAX_RELAY_EARLY = 8;
    /** Bandwidth rate meaning "no limit". */
    public static final long UNLIMITED = 0;

    private final int maxCircuitsPerLink;
    private final Duration buildTimeout;
    private final Duration counterEpoch;
    private final int maxRelayCircuits;
    private final int maxPendingCreates;
    private final int createRate;
    private final int createBurst;
    private final long bandwidthRate;
    private final long bandwidthBurst;
    private final int maxConnectionsPerAddress;

    private CircuitSettings(int maxCircuitsPerLink, Duration buildTimeout, Duration counterEpoch, int maxRelayCircuits,
            int maxPendingCreates, int createRate, int createBurst, long bandwidthRate, long bandwidthBurst,
            int maxConnectionsPerAddress) {
        this.maxCircuitsPerLink = atLeastOne(maxCircuitsPerLink, "max circuits per link");
        this.buildTimeout = positive(buildTimeout, "build timeout");
        this.counterEpoch = positive(counterEpoch, "counter epoch");
        this.maxRelayCircuits = atLeastOne(maxRelayCircuits, "max circuits of the relay");
        this.maxPendingCreates = atLeastOne(maxPendingCreates, "max pending CREATE2 handshakes");
        this.createRate = atLeastOne(createRate, "CREATE2 rate per link");
        this.createBurst = atLeastOne(createBurst, "CREATE2 burst per link");
        if (bandwidthRate < 0 || bandwidthBurst < 0) {
            throw new IllegalArgumentException("bandwidth rate and burst cannot be negative, got " + bandwidthRate
                    + " and " + bandwidthBurst);
        }
        if (bandwidthRate > 0 && bandwidthBurst < bandwidthRate) {
            throw new IllegalArgumentException("bandwidth burst (" + bandwidthBurst
                    + " B) must be at least the rate (" + bandwidthRate + " B/s)");
        }
        this.bandwidthRate = bandwidthRate;
        this.bandwidthBurst = bandwidthBurst;
        this.maxConnectionsPerAddress = atLeastOne(maxConnectionsPerAddress, "max connections per address");
    }

    private static int atLeastOne(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    private static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * 4096 circuits per link and 65,536 per relay, 30 s per hop build, one-hour counter epochs, at most
     * 256 CREATE2 waiting for the handshake worker, 50 CREATE2 per second per link with bursts of 200,
     * no bandwidth limit, 50 connections per IP address.
     */
    public static CircuitSettings defaults() {
        return new CircuitSettings(4096, Duration.ofSeconds(30), Duration.ofHours(1), 65_536, 256, 50, 200, UNLIMITED,
                UNLIMITED, 50);
    }

    public CircuitSettings withMaxCircuitsPerLink(int max) {
        return new CircuitSettings(max, buildTimeout, counterEpoch, maxRelayCircuits, maxPendingCreates, createRate,
                createBurst, bandwidthRate, bandwidthBurst, maxConnectionsPerAddress);
    }

    public CircuitSettings withBuildTimeout(Duration timeout) {
        return new CircuitSettings(maxCircuitsPerLink, timeout, counterEpoch, maxRelayCircuits, maxPendingCreates,
                createRate, createBurst, bandwidthRate, bandwidthBurst, maxConnectionsPerAddress);
    }

    public CircuitSettings withCounterEpoch(Duration epoch) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, epoch, maxRelayCircuits, maxPendingCreates,
                createRate, createBurst, bandwidthRate, bandwidthBurst, maxConnectionsPerAddress);
    }

    /** Circuits this relay is a hop of, over all links (pending handshakes included). */
    public CircuitSettings withMaxRelayCircuits(int max) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, counterEpoch, max, maxPendingCreates, createRate,
                createBurst, bandwidthRate, bandwidthBurst, maxConnectionsPerAddress);
    }

    /** CREATE2 cells accepted but not yet answered (waiting for or in the handshake worker), relay-wide. */
    public CircuitSettings withMaxPendingCreates(int max) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, counterEpoch, maxRelayCircuits, max, createRate,
                createBurst, bandwidthRate, bandwidthBurst, maxConnectionsPerAddress);
    }

    /** CREATE2 cells one link may send per second on average ({@code rate}) and at once ({@code burst}). */
    public CircuitSettings withCreateRate(int rate, int burst) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, counterEpoch, maxRelayCircuits, maxPendingCreates,
                rate, burst, bandwidthRate, bandwidthBurst, maxConnectionsPerAddress);
    }

    /**
     * Bytes per second the relay reads over all its links ({@code rate}, {@link #UNLIMITED} for none) and
     * the burst it may read at once (at least the rate).
     */
    public CircuitSettings withBandwidth(long rate, long burst) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, counterEpoch, maxRelayCircuits, maxPendingCreates,
                createRate, createBurst, rate, burst, maxConnectionsPerAddress);
    }

    /**
     * Connections one IP address may hold open to the relay at once (tor's DoSConnectionMaxConcurrentCount,
     * default 50 there too); further ones are closed when accepted.
     */
    public CircuitSettings withMaxConnectionsPerAddress(int max) {
        return new CircuitSettings(maxCircuitsPerLink, buildTimeout, counterEpoch, maxRelayCircuits, maxPendingCreates,
                createRate, createBurst, bandwidthRate, bandwidthBurst, max);
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

    public int maxRelayCircuits() {
        return maxRelayCircuits;
    }

    public int maxPendingCreates() {
        return maxPendingCreates;
    }

    public int createRate() {
        return createRate;
    }

    public int createBurst() {
        return createBurst;
    }

    public long bandwidthRate() {
        return bandwidthRate;
    }

    public long bandwidthBurst() {
        return bandwidthBurst;
    }

    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }
}
