package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ValidityScheduleTest {
    private static final Instant VALID_AFTER = Instant.parse("2026-11-24T12:00:00Z");
    /** The authorities' defaults: a 1-h voting interval, lists valid for 3 h. */
    private static final ValiditySchedule HOURLY = new ValiditySchedule(VALID_AFTER, VALID_AFTER.plus(Duration.ofHours(3)));

    @Test
    void theNextListIsOutOneVotingIntervalAfterValidAfter() {
        assertEquals(Duration.ofHours(1), HOURLY.votingInterval());
        assertEquals(VALID_AFTER.plus(Duration.ofHours(1)), HOURLY.freshUntil());
        assertEquals(Duration.ofMinutes(15), HOURLY.retryAfter());
    }

    /** dir-spec §5.1: from fresh-until + ¾ interval (13:45) plus ⅞ of the rest of the validity (14:50:37.5). */
    @Test
    void aFullListClientDownloadsInDirSpecsWindowAndSpreadsOverIt() {
        SplittableRandom random = new SplittableRandom(1);
        Instant start = Instant.parse("2026-11-24T13:45:00Z");
        Instant end = Instant.parse("2026-11-24T14:50:37.500Z");
        Instant first = null;
        Instant last = null;
        for (int i = 0; i < 2_000; i++) {
            Instant at = HOURLY.clientDownloadAt(random);
            assertFalse(at.isBefore(start), at.toString());
            assertTrue(at.isBefore(end), at.toString());
            first = first == null || at.isBefore(first) ? at : first;
            last = last == null || at.isAfter(last) ? at : last;
        }
        assertTrue(Duration.between(start, first).compareTo(Duration.ofMinutes(1)) < 0, "spread to the start: " + first);
        assertTrue(Duration.between(last, end).compareTo(Duration.ofMinutes(1)) < 0, "spread to the end: " + last);
    }

    @Test
    void aFollowerFetchesInTheHalfIntervalAfterFreshUntil() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 2_000; i++) {
            Instant at = HOURLY.followerDownloadAt(random);
            assertFalse(at.isBefore(HOURLY.freshUntil()), at.toString());
            assertTrue(at.isBefore(HOURLY.freshUntil().plus(Duration.ofMinutes(30))), at.toString());
        }
    }

    @Test
    void aValidityThatEndsBeforeItStartsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ValiditySchedule(VALID_AFTER, VALID_AFTER));
        assertThrows(IllegalArgumentException.class, () -> new ValiditySchedule(VALID_AFTER, VALID_AFTER.minusSeconds(1)));
    }
}
