package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    @Test
    void aTerminalGetsOneRedrawnBarEndedByFinish() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressDisplay p = new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.update("Hashing", 0.5, "1.0 MiB of 2.0 MiB");
        p.update("Hashing", 1.0, "2.0 MiB");
        p.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rHashing [###############               ]  50.0 %  1.0 MiB of 2.0 MiB"), out);
        assertTrue(out.contains("\rHashing [##############################] 100.0 %  2.0 MiB"), out);
        assertEquals(1, out.split("\n", -1).length - 1, "one line break, after finish: " + out);
    }

    @Test
    void aPipeGetsPlainLinesAtEveryTenthWithoutControlCharacters() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressDisplay p = new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int i = 0; i <= 100; i += 5) {
            p.update("src", i / 100.0, i + " of 100");
        }
        p.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r") || out.contains("\u001b"), out);
        for (int tenth = 0; tenth <= 10; tenth++) {
            assertTrue(out.contains("src " + tenth * 10 + ".0 %  " + tenth * 10 + " of 100" + System.lineSeparator()), out);
        }
    }

    @Test
    void sizesAndDurationsReadLikeAPersonWouldWriteThem() {
        assertEquals("1023 B", ProgressDisplay.bytes(1023));
        assertEquals("1.0 KiB", ProgressDisplay.bytes(1024));
        assertEquals("3.0 MiB", ProgressDisplay.bytes(3 * 1024 * 1024 + 12345));
        assertEquals("59 s", ProgressDisplay.duration(59));
        assertEquals("2 min 05 s", ProgressDisplay.duration(125));
        assertEquals("1 h 01 min", ProgressDisplay.duration(3660));
    }
}
