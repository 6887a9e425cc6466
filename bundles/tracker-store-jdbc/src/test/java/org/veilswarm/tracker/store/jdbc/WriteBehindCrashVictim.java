package org.veilswarm.tracker.store.jdbc;

import java.time.Duration;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;

/**
 * Run in a child JVM by {@link WriteBehindCrashTest}: announces peer 0, 1, 2, ... of {@link H2CrashVictim}'s
 * torrent to a write-behind store over H2 (flush every 100 ms), one after the other, and prints
 * {@code acked <n> flushes <f>} after each announce returned, {@code f} being the flushes committed by then,
 * until the test kills the JVM. Every 100 announces it waits for the next flush to commit, so that the run
 * makes progress on the database however little time the machine gives the flusher thread.
 */
public final class WriteBehindCrashVictim {
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private WriteBehindCrashVictim() {
    }

    public static void main(String[] args) throws Exception {
        JdbcTrackerStore db = new JdbcTrackerStore(PooledDataSources.open(args[0], "veilswarm", "", 2));
        WriteBehindTrackerStore store = new WriteBehindTrackerStore(db, new WriteBehindSettings(FLUSH_INTERVAL,
                100_000, Duration.ofSeconds(60)));
        for (int n = 0; n < H2CrashVictim.MAX_PEERS; n++) {
            store.announce(new Announce(H2CrashVictim.peer(n), AnnounceEvent.STARTED, 0));
            long flushes = store.flushes();
            System.out.println("acked " + n + " flushes " + flushes);
            System.out.flush();
            if (n % 100 == 99) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (store.flushes() == flushes && System.nanoTime() < deadline) {
                    Thread.sleep(1); // pacing, not synchronisation: the test reads only what is printed
                }
            }
        }
        System.out.println("done");
        Thread.sleep(Long.MAX_VALUE);
    }
}
