package org.veilswarm.tracker.store.journal;

import java.nio.file.Path;
import java.time.Duration;

import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.tracker.store.memory.MemoryStoreLimits;

/**
 * The JVM {@link JournalCrashTest} kills: opens a {@link JournalTrackerStore} on the directory it is given and
 * announces {@link #peer} 0, 1, 2, ... as fast as it can. Every {@link #DURABLE_EVERY} announces it reads
 * {@link JournalTrackerStore#headSequence()}, which writes (and forces) everything recorded before it returns,
 * and prints {@code durable N G}: the first N announces are on disk, the journal is in generation G.
 */
final class JournalCrashVictim {
    /** Peers per torrent: few enough that one announce with numwant 200 lists a whole swarm. */
    static final int PEERS_PER_TORRENT = 100;
    /** The victim stops here if nobody killed it (under the change retention of 100,000). */
    static final int MAX_PEERS = 90_000;
    static final int DURABLE_EVERY = 25;

    private JournalCrashVictim() {
    }

    /** Small compaction bound: the journal folds into a snapshot many times during a run. */
    static JournalSettings settings(Path directory) {
        return new JournalSettings(directory, MemoryStoreLimits.DEFAULT, Duration.ofMillis(100), true, 64L << 10,
                64L << 20);
    }

    /** Announce {@code n}: a new leecher of torrent {@code n / PEERS_PER_TORRENT}. */
    static PeerEntry peer(int n) {
        return TestValues.peer(TestValues.hash(n / PEERS_PER_TORRENT), n, 1000, TestValues.T0.plusMillis(n));
    }

    public static void main(String[] args) throws Exception {
        JournalTrackerStore store = new JournalTrackerStore(settings(Path.of(args[0])));
        for (int n = 0; n < MAX_PEERS;) {
            store.announce(TestValues.announce(peer(n), AnnounceEvent.STARTED, 0));
            n++;
            if (n % DURABLE_EVERY == 0) {
                long head = store.headSequence();
                if (head != n) {
                    throw new AssertionError("head " + head + " after " + n + " announces of new peers");
                }
                System.out.println("durable " + n + " " + store.generation());
                System.out.flush();
            }
        }
        System.out.println("finished");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // to be killed like the others
    }
}
