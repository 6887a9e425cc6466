package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The examples of rend-spec-v3 §2.2.4.1 and §2.2.4.2, on the 2016-04-13 dates of §2.2.1 (TP#16903 began 2016-04-12 12:00). */
class DescriptorScheduleTest {

    @Test
    void serviceRightAfterANewTimePeriodCoversThePreviousOneAndTheCurrent() {
        // "the service is at 13:00 right after TP#1 ... first descriptor using TP#0 ... second ... TP#1"
        List<TimePeriod> periods = DescriptorSchedule.servicePeriods(Instant.parse("2016-04-12T13:00:00Z"));
        assertEquals(List.of(16902L, 16903L), periods.stream().map(TimePeriod::number).toList());
    }

    @Test
    void serviceRightAfterANewSrvCoversTheCurrentPeriodAndTheNext() {
        // "the service is at 01:00 right after SRV#2: ... first descriptor using TP#1 ... second ... TP#2"
        List<TimePeriod> periods = DescriptorSchedule.servicePeriods(Instant.parse("2016-04-13T01:00:00Z"));
        assertEquals(List.of(16903L, 16904L), periods.stream().map(TimePeriod::number).toList());
        assertEquals(List.of(16903L, 16904L), DescriptorSchedule.servicePeriods(Instant.parse("2016-04-13T00:00:00Z"))
                .stream().map(TimePeriod::number).toList(), "the SRV boundary itself is on the '=' side");
        assertEquals(List.of(16902L, 16903L), DescriptorSchedule.servicePeriods(Instant.parse("2016-04-12T23:59:59Z"))
                .stream().map(TimePeriod::number).toList());
    }

    @Test
    void clientsUseTheCurrentPeriodWhichIsAlwaysOneOfTheServices() {
        for (int hour = 0; hour < 48; hour++) {
            Instant at = Instant.parse("2016-04-12T00:30:00Z").plus(Duration.ofHours(hour));
            TimePeriod client = DescriptorSchedule.clientPeriod(at);
            assertTrue(DescriptorSchedule.servicePeriods(at).contains(client), at.toString());
        }
    }

    @Test
    void reuploadsBetweenSixtyAndOneHundredTwentyMinutes() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            Duration delay = DescriptorSchedule.nextUploadDelay(random);
            assertTrue(delay.compareTo(DescriptorSchedule.MIN_REUPLOAD) >= 0 && delay.compareTo(DescriptorSchedule.MAX_REUPLOAD) <= 0);
        }
    }
}
