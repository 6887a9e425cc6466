package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class VotingScheduleTest {
    private static final VotingSchedule HOURLY = new VotingSchedule(Duration.ofHours(1), Duration.ofHours(3),
            Duration.ofMinutes(1));

    @Test
    void periodsAreEpochAlignedAndTheRoundStartsTwoPhasesBefore() {
        Instant t = Instant.parse("2026-11-22T12:00:00Z");
        assertEquals(t, HOURLY.nextPeriod(t.minusSeconds(121)));
        assertEquals(t, HOURLY.nextPeriod(t.minusSeconds(120)), "the round may start right now");
        assertEquals(t.plusSeconds(3600), HOURLY.nextPeriod(t.minusSeconds(119)), "too late for this period");
        assertEquals(t.minusSeconds(120), HOURLY.roundStart(t));
        assertEquals(t.plusSeconds(3 * 3600), HOURLY.validUntil(t));
    }

    @Test
    void inconsistentSchedulesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new VotingSchedule(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new VotingSchedule(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new VotingSchedule(Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofMillis(100)));
    }
}
