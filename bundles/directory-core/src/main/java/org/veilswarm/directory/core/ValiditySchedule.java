package org.veilswarm.directory.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The times a directory client derives from a signed list's or header's validity (dir-spec §1.4, §5.1). Our lists
 * and headers carry valid-after and valid-until only; the authorities sign them for three voting intervals (their
 * defaults, 1 h / 3 h, and the testnet's 10 s / 30 s), as tor's authorities do, so the next one is out one voting
 * interval after valid-after: that is fresh-until.
 */
public final class ValiditySchedule {
    private final Instant validAfter;
    private final Instant validUntil;

    public ValiditySchedule(Instant validAfter, Instant validUntil) {
        this.validAfter = Objects.requireNonNull(validAfter, "validAfter");
        this.validUntil = Objects.requireNonNull(validUntil, "validUntil");
        if (!validAfter.isBefore(validUntil)) {
            throw new IllegalArgumentException("valid-after " + validAfter + " is not before valid-until " + validUntil);
        }
    }

    /** A third of the validity. */
    public Duration votingInterval() {
        return Duration.between(validAfter, validUntil).dividedBy(3);
    }

    /** When the next list is out (dir-spec §1.4): one voting interval after valid-after. */
    public Instant freshUntil() {
        return validAfter.plus(votingInterval());
    }

    /**
     * How long a client waits between two background downloads that brought nothing newer: a quarter of a voting
     * interval, so directories with nothing newer yet are not asked in a loop.
     */
    public Duration retryAfter() {
        return votingInterval().dividedBy(4);
    }

    /**
     * When a client holding a full list downloads the next (dir-spec §5.1): at a random time from fresh-until plus
     * three quarters of a voting interval to seven eighths of the rest of the validity, after the caches have it
     * (they download in the first half interval), before the list in use expires, and not all clients at once.
     */
    public Instant clientDownloadAt(RandomGenerator random) {
        Instant start = freshUntil().plus(votingInterval().multipliedBy(3).dividedBy(4));
        return start.plusMillis(randomMillis(random, Duration.between(start, validUntil).multipliedBy(7).dividedBy(8)));
    }

    /**
     * When a client that asks directories about this very list (a merkle header: they answer {@code find} only for
     * the newest) fetches the next: at a random time in the half interval after fresh-until, so that it moves on
     * about when the directories do, not all clients at once.
     */
    public Instant followerDownloadAt(RandomGenerator random) {
        return freshUntil().plusMillis(randomMillis(random, votingInterval().dividedBy(2)));
    }

    private static long randomMillis(RandomGenerator random, Duration window) {
        long millis = window.toMillis();
        return millis > 0 ? random.nextLong(millis) : 0;
    }
}
