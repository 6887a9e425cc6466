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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.Change;
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
            List<Change> feed = store.changesSince(0, H2CrashVictim.MAX_PEERS + 1);
            for (int i = 0; i < feed.size(); i++) {
                Change c = feed.get(i);
                assertEquals(i + 1, c.sequence(), "gap in the feed after the crash");
                assertEquals(Change.Kind.PEER_PUT, c.kind());
                assertEquals(H2CrashVictim.peer(i).address(), c.peer().orElseThrow().address(),
                        "changes out of answer order after the crash");
            }
            assertEquals(feed.size(), store.headSequence());
            var counts = store.scrape(List.of(H2CrashVictim.HASH)).get(H2CrashVictim.HASH);
            assertEquals(feed.size(), counts == null ? 0 : counts.incomplete(), "peer counts and feed disagree");
            assertTrue(feed.size() >= killed.durable() + 1, "announces 0.." + killed.durable()
                    + " were older than a flush when the victim was killed (answered up to " + killed.lastAck()
                    + "), but only " + feed.size() + " survived");
            assertTrue(feed.size() <= killed.lastAck() + 1, "more survived than was answered: " + feed.size());
            // A reopened write-behind store continues from what survived.
            try (WriteBehindTrackerStore reopened = new WriteBehindTrackerStore(store, WriteBehindSettings.DEFAULT)) {
                assertEquals(feed.size(), reopened.statistics().leechers(), "the view loads the surviving peers");
                PeerEntry next = H2CrashVictim.peer(feed.size());
                reopened.announce(new org.veilswarm.api.tracker.Announce(next,
                        org.veilswarm.api.tracker.AnnounceEvent.STARTED, 0));
                assertEquals(feed.size() + 1, reopened.headSequence(), "the feed goes on without a gap");
            }
            System.out.println("write-behind SIGKILL: answered 0.." + killed.lastAck() + ", durable by then 0.."
                    + killed.durable() + ", survived " + feed.size());
        }
    }

    /** What the victim had said when it was killed. */
    private record Killed(int lastAck, int durable) {
    }

    private static Killed killWhenDurable(String url) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WriteBehindCrashVictim.class.getName(), url).redirectErrorStream(true).start();
        List<Long> flushesAtAck = new ArrayList<>();
        int durable = -1;
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                String[] words = line.split(" ");
                if (words.length != 4 || !words[0].equals("acked")) {
                    other.add(line);
                    continue;
                }
                int n = Integer.parseInt(words[1]);
                long flushes = Long.parseLong(words[3]);
                assertEquals(flushesAtAck.size(), n, "acks in order");
                flushesAtAck.add(flushes);
                while (durable + 1 < n && flushesAtAck.get(durable + 1) + 2 <= flushes) {
                    durable++;
                }
                if (durable + 1 >= DURABLE_BEFORE_KILL) {
                    victim.destroyForcibly(); // SIGKILL on Linux: no hook, no close, no last flush
                    break;
                }
            }
        } finally {
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "victim did not die");
        }
        assertTrue(durable + 1 >= DURABLE_BEFORE_KILL, "the victim stopped before enough was durable: acked "
                + flushesAtAck.size() + ", durable " + (durable + 1) + ", said " + other);
        int lastAck = flushesAtAck.size() - 1;
        assertTrue(lastAck + 1 < H2CrashVictim.MAX_PEERS, "the victim had finished: not killed mid-load");
        return new Killed(lastAck, durable);
    }
}
