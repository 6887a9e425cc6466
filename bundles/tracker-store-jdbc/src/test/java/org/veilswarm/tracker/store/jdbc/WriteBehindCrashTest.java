package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.PeerEntry;

import com.zaxxer.hikari.HikariDataSource;

/**
 * What a killed JVM (SIGKILL mid-load: no shutdown hook, no close, no last flush) leaves of a
 * {@link WriteBehindTrackerStore} on an H2 file, as docs/tracker-stores.md ("Write-behind", "Crash behaviour")
 * states it: every announce older than one flush is in the database, and what is there is a gap-free prefix of
 * the feed in the order the announces were answered, with peer rows and counts matching it (no torn flush).
 *
 * <p>"Older than one flush" without a clock: the victim prints, after each answered announce {@code n}, how many
 * flushes had committed ({@code f}). Flushes run one at a time and each takes every write queued when it
 * starts, so flush {@code f + 2} started after flush {@code f + 1} ended, which was after the victim read
 * {@code f}: announce {@code n} is in it. The test kills the victim once at least 300 announces are durable by
 * that rule and the victim is still announcing. H2 runs with {@code WRITE_DELAY=0} here, so that its own write
 * delay (a separate, documented loss) does not blur the write-behind bound.
 */
class WriteBehindCrashTest {
    private static final int DURABLE_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void afterAKillEveryAnnounceOlderThanOneFlushIsThereAndNothingIsTorn() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("wb") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        Killed killed = killWhenDurable(url);
        try (HikariDataSource pool = PooledDataSources.open(url, "veilswarm", "", 2)) {
            JdbcTrackerStore store = new JdbcTrackerStore(pool);
            int survived = CrashVictims.survivingPrefix(store);
            assertTrue(survived >= killed.durable() + 1, "announces 0.." + killed.durable()
                    + " were older than a flush when the victim was killed (answered up to " + killed.lastAck()
                    + "), but only " + survived + " survived");
            assertTrue(survived <= killed.lastAck() + 1, "more survived than was answered: " + survived);
            // A reopened write-behind store continues from what survived.
            try (WriteBehindTrackerStore reopened = new WriteBehindTrackerStore(store, WriteBehindSettings.DEFAULT)) {
                assertEquals(survived, reopened.statistics().leechers(), "the view loads the surviving peers");
                PeerEntry next = H2CrashVictim.peer(survived);
                reopened.announce(new org.veilswarm.api.tracker.Announce(next,
                        org.veilswarm.api.tracker.AnnounceEvent.STARTED, 0));
                assertEquals(survived + 1, reopened.headSequence(), "the feed goes on without a gap");
            }
            System.out.println("write-behind SIGKILL: answered 0.." + killed.lastAck() + ", durable by then 0.."
                    + killed.durable() + ", survived " + survived);
        }
    }

    /** What the victim had said when it was killed. */
    private record Killed(int lastAck, int durable) {
    }

    private static Killed killWhenDurable(String url) throws Exception {
        List<Long> flushesAtAck = new ArrayList<>();
        int[] durable = {-1};
        List<String> said = CrashVictims.runUntil(WriteBehindCrashVictim.class, url, line -> {
            String[] words = line.split(" ");
            if (words.length != 4 || !words[0].equals("acked")) {
                return false;
            }
            int n = Integer.parseInt(words[1]);
            long flushes = Long.parseLong(words[3]);
            assertEquals(flushesAtAck.size(), n, "acks in order");
            flushesAtAck.add(flushes);
            while (durable[0] + 1 < n && flushesAtAck.get(durable[0] + 1) + 2 <= flushes) {
                durable[0]++;
            }
            return durable[0] + 1 >= DURABLE_BEFORE_KILL;
        });
        assertTrue(durable[0] + 1 >= DURABLE_BEFORE_KILL, "the victim stopped before enough was durable: acked "
                + flushesAtAck.size() + ", durable " + (durable[0] + 1) + ", said "
                + said.stream().filter(l -> !l.startsWith("acked ")).toList());
        int lastAck = flushesAtAck.size() - 1;
        assertTrue(lastAck + 1 < H2CrashVictim.MAX_PEERS, "the victim had finished: not killed mid-load");
        return new Killed(lastAck, durable[0]);
    }
}
