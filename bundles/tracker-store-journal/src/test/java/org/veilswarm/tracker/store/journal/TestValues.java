package org.veilswarm.tracker.store.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.transport.TransportAddress;

/** Values for the journal's own tests (the contract's helpers are for its subclasses). */
final class TestValues {
    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    private TestValues() {
    }

    static InfoHash hash(int n) {
        byte[] b = new byte[20];
        b[0] = (byte) 0xCD;
        b[19] = (byte) n;
        b[18] = (byte) (n >> 8);
        return InfoHash.of(b);
    }

    static PeerEntry peer(InfoHash hash, int n, long left, Instant seen) {
        byte[] id = String.format("-VS0001-%012d", n).getBytes(StandardCharsets.US_ASCII);
        return new PeerEntry(hash, id, new TransportAddress("10.1." + (n >> 8 & 0xff) + "." + (n & 0xff),
                6881 + (n % 1000)), left, 0, 0, seen);
    }

    static Announce announce(PeerEntry peer, AnnounceEvent event, int numWant) {
        return new Announce(peer, event, numWant);
    }
}
