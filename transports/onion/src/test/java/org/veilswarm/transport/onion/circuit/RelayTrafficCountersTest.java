package org.veilswarm.transport.onion.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.RelayCounters.RelayCount;

class RelayTrafficCountersTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void relayedAndOwnTrafficAreCountedApartAndEpochsRollOver() {
        ManualClock clock = new ManualClock();
        RelayTrafficCounters counters = new RelayTrafficCounters(clock);
        counters.relayed(514);
        counters.relayed(514);
        counters.own(514);
        clock.now = clock.now.plus(Duration.ofHours(1));
        assertEquals(new RelayCount(Instant.parse("2026-01-01T00:00:00Z"), clock.now, 2, 1028, 514), counters.current());

        counters.roll();
        counters.relayed(514);
        List<RelayCount> completed = counters.completedEpochs();
        assertEquals(1, completed.size());
        assertEquals(2, completed.get(0).cellsRelayed());
        assertEquals(1, counters.current().cellsRelayed());
        assertEquals(0, counters.current().bytesOwn());
        assertEquals(clock.now, counters.current().epochStart());
    }

    @Test
    void onlyABoundedNumberOfEpochsIsKept() {
        ManualClock clock = new ManualClock();
        RelayTrafficCounters counters = new RelayTrafficCounters(clock);
        for (int i = 0; i < RelayTrafficCounters.KEPT_EPOCHS + 10; i++) {
            counters.relayed(i);
            clock.now = clock.now.plusSeconds(60);
            counters.roll();
        }
        List<RelayCount> completed = counters.completedEpochs();
        assertEquals(RelayTrafficCounters.KEPT_EPOCHS, completed.size());
        assertEquals(10, completed.get(0).bytesRelayed(), "the oldest ten were dropped");
    }
}
