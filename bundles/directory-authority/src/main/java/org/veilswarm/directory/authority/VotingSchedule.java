package org.veilswarm.directory.authority;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When periods start and when their rounds run: periods start at whole multiples of the voting interval
 * (epoch-aligned, so every authority agrees without talking), each valid for {@code validity} (at least the
 * interval, so clients always hold a valid directory); a period's round starts two phases before it
 * (docs/protocols/directory-consensus.md §4).
 */
public record VotingSchedule(Duration interval, Duration validity, Duration phase) {
    public VotingSchedule {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(phase, "phase");
        if (interval.toSeconds() < 1 || interval.toNanosPart() != 0 || validity.toNanosPart() != 0) {
            throw new IllegalArgumentException("the interval and the validity are whole seconds, at least 1");
        }
        if (validity.compareTo(interval) < 0) {
            throw new IllegalArgumentException("validity " + validity + " is shorter than the interval " + interval);
        }
        if (phase.isNegative() || phase.isZero() || phase.multipliedBy(2).compareTo(interval) >= 0) {
            throw new IllegalArgumentException("two phases must fit in one interval");
        }
    }

    /** The first period start whose round (two phases before it) has not begun at {@code now}. */
    public Instant nextPeriod(Instant now) {
        long step = interval.toSeconds();
        Instant earliest = now.plus(phase.multipliedBy(2));
        long start = Math.floorDiv(earliest.getEpochSecond(), step) * step;
        Instant candidate = Instant.ofEpochSecond(start);
        return candidate.isBefore(earliest) ? candidate.plusSeconds(step) : candidate;
    }

    public Instant roundStart(Instant period) {
        return period.minus(phase.multipliedBy(2));
    }

    public Instant validUntil(Instant period) {
        return period.plus(validity);
    }
}
