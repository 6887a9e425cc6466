package org.veilswarm.transport.tor.monitor;

import java.time.Instant;
import java.util.Objects;

/**
 * The transport's life: {@link Phase#STARTING} (launching tor or connecting to its control port),
 * {@link Phase#BOOTSTRAPPING}, {@link Phase#READY}, {@link Phase#FAILED} (with {@link #detail()} saying
 * why), {@link Phase#STOPPED}.
 *
 * @param since when this phase began
 * @param detail for FAILED the error; otherwise a short human description (empty allowed)
 */
public record TorState(Phase phase, Instant since, String detail) {
    /** The phases, in the order a healthy transport passes through them. */
    public enum Phase { STARTING, BOOTSTRAPPING, READY, FAILED, STOPPED }

    public TorState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return phase + (detail.isEmpty() ? "" : ": " + detail);
    }
}
