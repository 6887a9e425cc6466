package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** Starts the victim, kills it once it acknowledged enough; the last acknowledged peer. */
    private static int killAfterAcks(String url) throws Exception {
        int[] lastAck = {-1};
        CrashVictims.runUntil(H2CrashVictim.class, url, line -> {
            if (line.startsWith("acked ")) {
                lastAck[0] = Integer.parseInt(line.substring(6));
            }
            return lastAck[0] + 1 >= ACKS_BEFORE_KILL;
        });
        assertEquals(ACKS_BEFORE_KILL - 1, lastAck[0], "the victim stopped before it was killed");
        return lastAck[0];
    }

    /** Reopens the file and returns how many announces survived (a gap-free prefix, see CrashVictims). */
    private static int survivingPrefix(String url) {
        try (HikariDataSource pool = PooledDataSources.open(url, "veilswarm", "", 2)) {
            return CrashVictims.survivingPrefix(new JdbcTrackerStore(pool));
        }
    }
}
