package org.veilswarm.api.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;

class TrackerValuesTest {
    private static final String V2 = "a".repeat(64);

    @Test
    void infoHashForms() {
        InfoHash v2 = InfoHash.ofHex(V2);
        assertTrue(v2.isV2());
        InfoHash truncated = v2.truncated();
        assertFalse(truncated.isV2());
        assertArrayEquals(Arrays.copyOf(v2.bytes(), 20), truncated.bytes());
        assertEquals(truncated, truncated.truncated());
        assertEquals(V2, v2.hex());
        assertThrows(IllegalArgumentException.class, () -> InfoHash.of(new byte[21]));
        assertThrows(IllegalArgumentException.class, () -> InfoHash.ofHex("zz".repeat(20)));
    }

    @Test
    void infoHashIsImmutable() {
        byte[] raw = new byte[20];
        InfoHash h = InfoHash.of(raw);
        raw[0] = 1;
        h.bytes()[1] = 1;
        assertArrayEquals(new byte[20], h.bytes());
    }

    @Test
    void changeKindsNeedTheirPayload() {
        InfoHash h = InfoHash.ofHex(V2);
        PeerEntry peer = new PeerEntry(h, new byte[20], TransportAddress.parse("127.0.0.1:1"), 0, 0, 0, Instant.EPOCH);
        assertTrue(peer.seeder());
        new Change(1, Change.Kind.PEER_PUT, h, Optional.of(peer), Optional.empty());
        new Change(2, Change.Kind.TORRENT_REMOVE, h, Optional.empty(), Optional.empty());
        assertThrows(IllegalArgumentException.class,
                () -> new Change(1, Change.Kind.PEER_PUT, h, Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new Change(1, Change.Kind.TORRENT_PUT, h, Optional.of(peer), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new Change(0, Change.Kind.TORRENT_REMOVE, h, Optional.empty(), Optional.empty()));
    }

    @Test
    void peersAndChangesCompareByContent() {
        InfoHash h = InfoHash.ofHex(V2);
        byte[] id = new byte[20];
        id[3] = 7;
        PeerEntry a = new PeerEntry(h, id, TransportAddress.parse("127.0.0.1:1"), 5, 0, 0, Instant.EPOCH);
        PeerEntry b = new PeerEntry(h, id.clone(), TransportAddress.parse("127.0.0.1:1"), 5, 0, 0, Instant.EPOCH);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(new Change(1, Change.Kind.PEER_PUT, h, Optional.of(a), Optional.empty()),
                new Change(1, Change.Kind.PEER_PUT, h, Optional.of(b), Optional.empty()));
        id[3] = 8;
        assertFalse(a.equals(new PeerEntry(h, id, TransportAddress.parse("127.0.0.1:1"), 5, 0, 0, Instant.EPOCH)));
    }
}
