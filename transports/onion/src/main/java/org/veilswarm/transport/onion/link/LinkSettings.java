package org.veilswarm.transport.onion.link;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How links are negotiated: the link protocol versions offered (tor-spec §4.1), the time each
 * handshake step may take, the clock certificates are checked against, the largest
 * variable-length cell accepted, whether an initiator that has keys authenticates itself, and the
 * order of the TLS suites offered.
 */
public final class LinkSettings {
    /** Link protocols this code speaks: 4-byte circuit IDs (4) and the NETINFO/padding rules of 5. */
    public static final List<Integer> SUPPORTED_VERSIONS = List.of(4, 5);

    private final List<Integer> versions;
    private final Duration stepTimeout;
    private final Clock clock;
    private final boolean authenticate;
    private final int maxVariableCellLength;
    private final LinkCipherSuites cipherSuites;

    private LinkSettings(List<Integer> versions, Duration stepTimeout, Clock clock, boolean authenticate,
            int maxVariableCellLength, LinkCipherSuites cipherSuites) {
        this.versions = List.copyOf(versions);
        this.stepTimeout = Objects.requireNonNull(stepTimeout, "stepTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.authenticate = authenticate;
        this.maxVariableCellLength = maxVariableCellLength;
        this.cipherSuites = Objects.requireNonNull(cipherSuites, "cipherSuites");
        if (this.versions.isEmpty() || !SUPPORTED_VERSIONS.containsAll(this.versions)) {
            throw new IllegalArgumentException("versions must be a non-empty subset of " + SUPPORTED_VERSIONS
                    + ", got " + this.versions);
        }
        if (stepTimeout.isNegative() || stepTimeout.isZero()) {
            throw new IllegalArgumentException("step timeout must be positive, got " + stepTimeout);
        }
        if (maxVariableCellLength < 1024 || maxVariableCellLength > 0xFFFF) {
            throw new IllegalArgumentException("maximum variable cell length must be 1024..65535, got "
                    + maxVariableCellLength);
        }
    }

    /**
     * Versions 4 and 5, 10 s per step, the system clock, authenticating, variable cells up to 8 KiB, TLS suites in
     * this JVM's order ({@link LinkCipherSuites#forThisJvm()}).
     */
    public static LinkSettings defaults() {
        return new LinkSettings(SUPPORTED_VERSIONS, Duration.ofSeconds(10), Clock.systemUTC(), true, 8192,
                LinkCipherSuites.forThisJvm());
    }

    public LinkSettings withVersions(List<Integer> versions) {
        return new LinkSettings(versions, stepTimeout, clock, authenticate, maxVariableCellLength, cipherSuites);
    }

    public LinkSettings withStepTimeout(Duration stepTimeout) {
        return new LinkSettings(versions, stepTimeout, clock, authenticate, maxVariableCellLength, cipherSuites);
    }

    public LinkSettings withClock(Clock clock) {
        return new LinkSettings(versions, stepTimeout, clock, authenticate, maxVariableCellLength, cipherSuites);
    }

    /** Whether an initiator with {@link RelayLinkKeys} sends CERTS + AUTHENTICATE (tor-spec §4.4). */
    public LinkSettings withAuthentication(boolean authenticate) {
        return new LinkSettings(versions, stepTimeout, clock, authenticate, maxVariableCellLength, cipherSuites);
    }

    /** Bounds what a peer can make us buffer for one variable-length cell (CERTS is the largest, ~1 KiB). */
    public LinkSettings withMaxVariableCellLength(int length) {
        return new LinkSettings(versions, stepTimeout, clock, authenticate, length, cipherSuites);
    }

    /** The TLS suites a link offers, and as a responder how it picks one ({@link LinkCipherSuites}). */
    public LinkSettings withCipherSuites(LinkCipherSuites cipherSuites) {
        return new LinkSettings(versions, stepTimeout, clock, authenticate, maxVariableCellLength, cipherSuites);
    }

    public List<Integer> versions() {
        return versions;
    }

    public Duration stepTimeout() {
        return stepTimeout;
    }

    public Clock clock() {
        return clock;
    }

    public boolean authenticate() {
        return authenticate;
    }

    public int maxVariableCellLength() {
        return maxVariableCellLength;
    }

    public LinkCipherSuites cipherSuites() {
        return cipherSuites;
    }
}
