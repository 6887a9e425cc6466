package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AnnounceScheduleTest {
    @Test
    void honoursTheTrackersIntervalButNeverGoesBelowTheFloor() {
        AnnounceSchedule s = AnnounceSchedule.defaults(new Random(1));
        assertEquals(Duration.ofSeconds(1800), s.afterSuccess(new AnnounceResponse(1800, 900, 0, 0, Optional.empty(),
                List.of())));
        assertEquals(Duration.ofSeconds(900), s.afterSuccess(new AnnounceResponse(300, 900, 0, 0, Optional.empty(),
                List.of())), "min interval wins over a shorter interval");
        assertEquals(Duration.ofSeconds(60), s.afterSuccess(new AnnounceResponse(0, 0, 0, 0, Optional.empty(),
                List.of())), "interval 0 cannot make the client spin");
    }

    @Test
    void backsOffExponentiallyWithinBoundsAndResetsOnSuccess() {
        AnnounceSchedule s = new AnnounceSchedule(Duration.ofSeconds(60), Duration.ofSeconds(15),
                Duration.ofMinutes(30), new Random(7));
        for (int failure = 0; failure < 40; failure++) {
            Duration d = s.afterFailure();
            long ceiling = Math.min(1800_000L, 15_000L << Math.min(failure, 30));
            assertTrue(d.toMillis() >= 15_000 && d.toMillis() <= ceiling, failure + ": " + d);
        }
        assertEquals(40, s.failures());
        s.afterSuccess(new AnnounceResponse(60, 60, 0, 0, Optional.empty(), List.of()));
        assertEquals(0, s.failures());
        assertTrue(s.afterFailure().toMillis() <= 15_000);
    }
}
