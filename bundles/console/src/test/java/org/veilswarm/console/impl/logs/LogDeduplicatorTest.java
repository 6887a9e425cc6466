package org.veilswarm.console.impl.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogDeduplicatorTest {

    private static LogLine line(long second, String level, String message) {
        return new LogLine(Instant.ofEpochSecond(second), level, "org.veilswarm.node", message);
    }

    @Test
    void foldsRepeatedLinesNewestGroupFirst() {
        List<LogGroup> groups = LogDeduplicator.fold(List.of(
                line(1, "WARN", "circuit timed out"),
                line(2, "INFO", "bootstrapped"),
                line(3, "WARN", "circuit timed out"),
                line(4, "WARN", "circuit timed out")));
        assertEquals(2, groups.size());
        LogGroup repeated = groups.get(0);
        assertEquals("circuit timed out", repeated.message());
        assertEquals(3, repeated.count());
        assertEquals(Instant.ofEpochSecond(1), repeated.first());
        assertEquals(Instant.ofEpochSecond(4), repeated.last());
        assertEquals(1, groups.get(1).count());
    }

    @Test
    void theSameMessageAtAnotherLevelOrSourceStaysApart() {
        List<LogGroup> groups = LogDeduplicator.fold(List.of(
                line(1, "WARN", "x"),
                line(2, "ERROR", "x"),
                new LogLine(Instant.ofEpochSecond(3), "WARN", "other.bundle", "x")));
        assertEquals(3, groups.size());
        assertTrue(groups.stream().allMatch(g -> g.count() == 1));
    }

    @Test
    void bufferKeepsOnlyTheNewestLinesAndCutsHugeMessages() {
        LogBuffer buffer = new LogBuffer(2);
        buffer.add(line(1, "INFO", "a"));
        buffer.add(line(2, "INFO", "b"));
        buffer.add(line(3, "INFO", "x".repeat(LogLine.MAX_MESSAGE + 50)));
        List<LogLine> kept = buffer.snapshot();
        assertEquals(2, kept.size());
        assertEquals("b", kept.get(0).message());
        assertEquals(LogLine.MAX_MESSAGE + 1, kept.get(1).message().length());
    }
}
