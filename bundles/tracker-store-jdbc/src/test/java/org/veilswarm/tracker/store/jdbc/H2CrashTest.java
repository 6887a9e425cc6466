package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.Change;

import com.zaxxer.hikari.HikariDataSource;

/**
 * What survives a killed JVM (SIGKILL, no shutdown hook, no close) on an H2 file, the durability that
 * docs/tracker-stores.md states: with {@code WRITE_DELAY=0} every announce that was answered is there; with
 * H2's default write delay the last fraction of a second may be lost, but what survives is always a gap-free
 * prefix of the feed in commit order (no torn transaction, no hole a mirror could fall into).
 */
class H2CrashTest {
    private static final int ACKS_BEFORE_KILL = 200;

    @TempDir
    Path dir;

    @Test
    void withWriteDelayZeroEveryAnsweredAnnounceSurvivesAKill() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("sync") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        int acked = killAfterAcks(url);
        int survived = survivingPrefix(url);
        assertTrue(survived >= acked + 1, "answered announces 0.." + acked + " but only " + survived + " survived");
    }

    @Test
    void withTheDefaultWriteDelayWhatSurvivesIsAGapFreePrefix() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("default") + ";DB_CLOSE_ON_EXIT=FALSE";
        int acked = killAfterAcks(url);
        int survived = survivingPrefix(url);
        System.out.println("H2 default WRITE_DELAY: answered 0.." + acked + ", survived " + survived
                + " announces after SIGKILL");
    }

    /** Starts the victim, kills it with SIGKILL once it acknowledged enough; the last acknowledged peer. */
    private static int killAfterAcks(String url) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                H2CrashVictim.class.getName(), url).redirectErrorStream(true).start();
        int lastAck = -1;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith("acked ")) {
                    lastAck = Integer.parseInt(line.substring(6));
                    if (lastAck + 1 >= ACKS_BEFORE_KILL) {
                        victim.destroyForcibly(); // SIGKILL on Linux: no hook, no close, nothing flushed by us
                        break;
                    }
                }
            }
        } finally {
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "victim did not die");
        }
        assertEquals(ACKS_BEFORE_KILL - 1, lastAck, "the victim stopped before it was killed");
        return lastAck;
    }

    /**
     * Reopens the file and checks that its feed is 1..k without gaps, each change the PEER_PUT of announce
     * k-1 in order (announces were made one after the other); returns k.
     */
    private static int survivingPrefix(String url) {
        try (HikariDataSource pool = PooledDataSources.open(url, "veilswarm", "", 2)) {
            JdbcTrackerStore store = new JdbcTrackerStore(pool);
            List<Change> feed = store.changesSince(0, H2CrashVictim.MAX_PEERS + 1);
            for (int i = 0; i < feed.size(); i++) {
                Change c = feed.get(i);
                assertEquals(i + 1, c.sequence(), "gap in the feed after the crash");
                assertEquals(Change.Kind.PEER_PUT, c.kind());
                assertEquals(H2CrashVictim.peer(i).address(), c.peer().orElseThrow().address(),
                        "changes out of commit order after the crash");
            }
            assertEquals(feed.size(), store.headSequence());
            var counts = store.scrape(List.of(H2CrashVictim.HASH)).get(H2CrashVictim.HASH);
            assertEquals(feed.size(), counts == null ? 0 : counts.incomplete(), "peers and feed disagree");
            return feed.size();
        }
    }
}
