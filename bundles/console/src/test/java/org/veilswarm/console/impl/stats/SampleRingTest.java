package org.veilswarm.console.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SampleRingTest {

    private static StatsSample at(long second) {
        return new StatsSample(Instant.ofEpochSecond(second), Map.of());
    }

    private static List<Long> seconds(SampleRing ring) {
        return ring.snapshot().stream().map(s -> s.time().getEpochSecond()).toList();
    }

    @Test
    void keepsTheNewestSamplesOldestFirst() {
        SampleRing ring = new SampleRing(3);
        assertEquals(List.of(), seconds(ring));
        ring.add(at(1));
        ring.add(at(2));
        assertEquals(List.of(1L, 2L), seconds(ring));
        ring.add(at(3));
        ring.add(at(4));
        ring.add(at(5));
        assertEquals(List.of(3L, 4L, 5L), seconds(ring));
        for (int i = 6; i <= 100; i++) {
            ring.add(at(i));
        }
        assertEquals(List.of(98L, 99L, 100L), seconds(ring));
    }

    @Test
    void refusesAnEmptyRing() {
        assertThrows(IllegalArgumentException.class, () -> new SampleRing(0));
    }
}
