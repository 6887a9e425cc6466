package org.veilswarm.transport.onion.hs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When and for which time periods descriptors are fetched and uploaded (rend-spec-v3 §2.2.2, §2.2.4), from
 * the valid-after time of the latest live consensus. Shared random run #k starts one rotation offset before
 * time period #k and the two always go together, so a period number is all a caller needs; the SRV comes
 * from {@link SharedRandomSource#forPeriod}.
 */
public final class DescriptorSchedule {
    /** §2.2.2: re-publish after a random time between 60 and 120 minutes. */
    public static final Duration MIN_REUPLOAD = Duration.ofMinutes(60);
    public static final Duration MAX_REUPLOAD = Duration.ofMinutes(120);

    private DescriptorSchedule() {
    }

    /** §2.2.4.1: clients always fetch the descriptor of the current time period. */
    public static TimePeriod clientPeriod(Instant validAfter) {
        return TimePeriod.containing(validAfter);
    }

    /**
     * §2.2.4.2: the periods of a service's first and second descriptor. Between the start of period N and the
     * next shared random run (the "-" segment) they are N-1 and N, covering clients whose consensus is still
     * in the previous period; from that run to the end of period N (the "=" segment) they are N and N+1,
     * covering clients that are already in the next period.
     */
    public static List<TimePeriod> servicePeriods(Instant validAfter) {
        return servicePeriods(validAfter, TimePeriod.DEFAULT_LENGTH_MINUTES, TimePeriod.DEFAULT_ROTATION_OFFSET_MINUTES);
    }

    public static List<TimePeriod> servicePeriods(Instant validAfter, int lengthMinutes, int rotationOffsetMinutes) {
        TimePeriod current = TimePeriod.containing(validAfter, lengthMinutes, rotationOffsetMinutes);
        Instant nextRun = current.end().minus(Duration.ofMinutes(rotationOffsetMinutes));
        boolean afterNewRun = !validAfter.isBefore(nextRun);
        return afterNewRun ? List.of(current, current.next())
                : current.number() == 0 ? List.of(current) : List.of(current.previous(), current);
    }

    /** §2.2.2: how long until the next upload of an unchanged descriptor. */
    public static Duration nextUploadDelay(RandomGenerator random) {
        long spread = MAX_REUPLOAD.toSeconds() - MIN_REUPLOAD.toSeconds();
        return MIN_REUPLOAD.plusSeconds(random.nextLong(spread + 1));
    }
}
