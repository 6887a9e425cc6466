package org.veilswarm.api.accounting;

import java.util.Objects;

/**
 * How a peer ranks when this node decides whom to serve first.
 *
 * @param priority relative weight, 1.0 for the base rate every peer gets (newcomers included), more for credit
 * @param creditBytes bytes of verified credit, never negative
 * @param reason one line for operators: why this standing
 */
public record Standing(double priority, long creditBytes, String reason) {
    /** The base standing every peer starts with. */
    public static final Standing BASE = new Standing(1.0, 0, "base rate");

    public Standing {
        if (!(priority >= 1.0) || Double.isInfinite(priority)) {
            throw new IllegalArgumentException("priority is at least the base rate 1.0 and finite, got " + priority);
        }
        if (creditBytes < 0) {
            throw new IllegalArgumentException("credit is never negative");
        }
        Objects.requireNonNull(reason, "reason");
    }
}
