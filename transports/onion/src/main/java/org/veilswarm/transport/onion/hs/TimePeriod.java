package org.veilswarm.transport.onion.hs;

import java.time.Duration;
import java.time.Instant;

/**
 * A time period of rend-spec-v3 §2.2.1: periods of {@code lengthMinutes} counted from the Unix epoch
 * shifted by a rotation offset of 12 voting periods (12 hours with tor's hourly consensus), so that
 * period 16903 ran from 2016-04-12 12:00 to 2016-04-13 12:00 UTC. Blinded keys, subcredentials and the
 * HSDir ring all depend on the period number and its length.
 *
 * @param number the period number, {@code floor((minutes since epoch - offset) / length)}
 * @param lengthMinutes the consensus parameter {@code hsdir-interval}, 30 to 14400 (default 1440)
 * @param rotationOffsetMinutes 12 voting periods in minutes (720 for hourly votes)
 */
public record TimePeriod(long number, int lengthMinutes, int rotationOffsetMinutes) {
    public static final int DEFAULT_LENGTH_MINUTES = 1440;
    public static final int DEFAULT_ROTATION_OFFSET_MINUTES = 12 * 60;
    public static final int MIN_LENGTH_MINUTES = 30;
    public static final int MAX_LENGTH_MINUTES = 14400;

    public TimePeriod {
        if (lengthMinutes < MIN_LENGTH_MINUTES || lengthMinutes > MAX_LENGTH_MINUTES) {
            throw new IllegalArgumentException("time period length must be " + MIN_LENGTH_MINUTES + " to "
                    + MAX_LENGTH_MINUTES + " minutes (rend-spec-v3 §2.2.1), got " + lengthMinutes);
        }
        if (rotationOffsetMinutes < 0) {
            throw new IllegalArgumentException("rotation offset must not be negative, got " + rotationOffsetMinutes);
        }
        if (number < 0) {
            throw new IllegalArgumentException("time period number must not be negative, got " + number);
        }
    }

    /** The default-length period holding {@code validAfter} (a consensus valid-after time, §2.2.3). */
    public static TimePeriod containing(Instant validAfter) {
        return containing(validAfter, DEFAULT_LENGTH_MINUTES, DEFAULT_ROTATION_OFFSET_MINUTES);
    }

    public static TimePeriod containing(Instant validAfter, int lengthMinutes, int rotationOffsetMinutes) {
        long minutes = Math.floorDiv(validAfter.getEpochSecond(), 60L) - rotationOffsetMinutes;
        if (minutes < 0) {
            throw new IllegalArgumentException("time before the first time period: " + validAfter);
        }
        return new TimePeriod(minutes / lengthMinutes, lengthMinutes, rotationOffsetMinutes);
    }

    /** The first instant of the period. */
    public Instant start() {
        return Instant.EPOCH.plus(Duration.ofMinutes(number * lengthMinutes + rotationOffsetMinutes));
    }

    /** The first instant after the period. */
    public Instant end() {
        return next().start();
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(start()) && instant.isBefore(end());
    }

    public TimePeriod next() {
        return new TimePeriod(number + 1, lengthMinutes, rotationOffsetMinutes);
    }

    public TimePeriod previous() {
        return new TimePeriod(number - 1, lengthMinutes, rotationOffsetMinutes);
    }
}
