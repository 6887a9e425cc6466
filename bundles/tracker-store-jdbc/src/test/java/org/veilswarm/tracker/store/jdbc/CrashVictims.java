package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.veilswarm.api.tracker.Change;

/**
 * What {@link H2CrashTest} and {@link WriteBehindCrashTest} share: a victim JVM announcing
 * {@link H2CrashVictim#peer} 0, 1, 2, ... that the test kills with SIGKILL, and the check of what it left.
 */
final class CrashVictims {
    private CrashVictims() {
    }

    /**
     * Runs {@code victim}'s {@code main(url)} in a child JVM on this class path and hands each line it prints to
     * {@code killNow} until that returns true; then kills it (SIGKILL on Linux: no shutdown hook, no close,
     * nothing flushed). Returns every line read, for failure messages.
     */
    static List<String> runUntil(Class<?> victim, String url, Predicate<String> killNow) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), victim.getName(), url)
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                lines.add(line);
                if (killNow.test(line)) {
                    break;
                }
            }
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "victim did not die");
        }
        return lines;
    }

    /**
     * Checks that the reopened store's feed is 1..k without gaps, change {@code i} the PEER_PUT of announce
     * {@code i - 1} (the victim announced one after the other), and that the head and the peer counts match it;
     * returns k.
     */
    static int survivingPrefix(JdbcTrackerStore store) {
        List<Change> feed = store.changesSince(0, H2CrashVictim.MAX_PEERS + 1);
        for (int i = 0; i < feed.size(); i++) {
            Change c = feed.get(i);
            assertEquals(i + 1, c.sequence(), "gap in the feed after the crash");
            assertEquals(Change.Kind.PEER_PUT, c.kind());
            assertEquals(H2CrashVictim.peer(i).address(), c.peer().orElseThrow().address(),
                    "changes out of order after the crash");
        }
        assertEquals(feed.size(), store.headSequence());
        var counts = store.scrape(List.of(H2CrashVictim.HASH)).get(H2CrashVictim.HASH);
        assertEquals(feed.size(), counts == null ? 0 : counts.incomplete(), "peer counts and feed disagree");
        return feed.size();
    }
}
