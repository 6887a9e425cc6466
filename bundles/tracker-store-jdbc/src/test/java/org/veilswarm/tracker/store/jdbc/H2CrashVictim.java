package org.veilswarm.tracker.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.transport.TransportAddress;

/**
 * Run in a child JVM by {@link H2CrashTest}: announces peer 0, 1, 2, ... to an H2 store, one after the other,
 * and prints {@code acked <n>} after each announce returned, until the test kills the JVM.
 */
public final class H2CrashVictim {
    static final InfoHash HASH = InfoHash.ofHex("ef".repeat(20));
    static final int MAX_PEERS = 1_900;

    private H2CrashVictim() {
    }

    public static void main(String[] args) throws Exception {
        JdbcTrackerStore store = new JdbcTrackerStore(PooledDataSources.open(args[0], "veilswarm", "", 2));
        for (int n = 0; n < MAX_PEERS; n++) {
            store.announce(new Announce(peer(n), AnnounceEvent.STARTED, 0));
            System.out.println("acked " + n);
            System.out.flush();
        }
        System.out.println("done");
        Thread.sleep(Long.MAX_VALUE);
    }

    static PeerEntry peer(int n) {
        return new PeerEntry(HASH, String.format("-VS0001-%012d", n).getBytes(StandardCharsets.US_ASCII),
                new TransportAddress("10.9.0.1", 1000 + n), 10, 0, 0, Instant.parse("2026-11-22T00:00:00Z"));
    }
}
