package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** rend-spec-v3 §2.2.1's worked example and C tor's test_hs_common.c period boundaries. */
class TimePeriodTest {

    @Test
    void specExample() {
        // "2016-04-13 11:15:01 UTC ... we are currently in time period number 16903", which "began ...
        // at 2016-04-12 12:00 UTC, and ended ... at 2016-04-13 12:00 UTC".
        TimePeriod period = TimePeriod.containing(Instant.parse("2016-04-13T11:15:01Z"));
        assertEquals(16903, period.number());
        assertEquals(Instant.parse("2016-04-12T12:00:00Z"), period.start());
        assertEquals(Instant.parse("2016-04-13T12:00:00Z"), period.end());
    }

    @Test
    void boundariesFromCTor() {
        assertEquals(16903, TimePeriod.containing(Instant.parse("2016-04-13T11:00:00Z")).number());
        assertEquals(16903, TimePeriod.containing(Instant.parse("2016-04-13T11:59:59Z")).number());
        TimePeriod next = TimePeriod.containing(Instant.parse("2016-04-13T12:00:00Z"));
        assertEquals(16904, next.number());
        assertEquals(next, TimePeriod.containing(Instant.parse("2016-04-13T11:00:00Z")).next());
        assertEquals(16903, next.previous().number());
        assertTrue(next.contains(Instant.parse("2016-04-13T12:00:00Z")));
        assertFalse(next.contains(Instant.parse("2016-04-13T11:59:59Z")));
    }

    @Test
    void otherLengthsAndBadInput() {
        // period 42 of test_hs_indexes: ~43 days after the epoch, 1-day periods.
        assertEquals(42, TimePeriod.containing(Instant.parse("1970-02-13T01:00:00Z")).number());
        TimePeriod hourly = TimePeriod.containing(Instant.parse("2016-04-13T11:15:01Z"), 60, 720);
        assertEquals((1460546101L / 60 - 720) / 60, hourly.number());
        assertThrows(IllegalArgumentException.class, () -> new TimePeriod(1, 29, 720));
        assertThrows(IllegalArgumentException.class, () -> new TimePeriod(1, 14401, 720));
        assertThrows(IllegalArgumentException.class, () -> TimePeriod.containing(Instant.EPOCH));
    }
}
