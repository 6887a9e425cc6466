package org.veilswarm.tracker.store.journal;

import static org.veilswarm.tracker.store.journal.TestValues.T0;
import static org.veilswarm.tracker.store.journal.TestValues.announce;
import static org.veilswarm.tracker.store.journal.TestValues.hash;
import static org.veilswarm.tracker.store.journal.TestValues.peer;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.tracker.store.memory.StoreState;

/**
 * Valid journal and snapshot bytes for the fuzz targets' properties: what {@link JournalMutationTest} mutates in
 * every build, and what the seeds in {@code JournalFuzzTestInputs/} were written from.
 */
final class JournalSamples {
    /** A 32-byte (v2) info-hash. */
    static final InfoHash V2 = InfoHash.of(filled(32, 0x5A));
    /** An onion service address, the kind of peer host a Veilswarm tracker mostly sees. */
    static final String ONION = OnionAddress.fromPublicKey(filled(32, 0x11)).hostName();

    private JournalSamples() {
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static TorrentRecord record(InfoHash hash, String name, Set<String> tags) {
        return new TorrentRecord(hash, name, "made for the journal's fuzz seeds: ünïcödé ✓", tags, 123_456_789L,
                List.of("dir/a.bin", "dir/b/c.txt"), Visibility.PUBLIC, T0.plusNanos(250_000_001));
    }

    static PeerEntry onionPeer(InfoHash hash) {
        byte[] id = "-VS0001-onionpeer001".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return new PeerEntry(hash, id, new TransportAddress(ONION, 443), 0, 1L << 40, 7, T0.plusSeconds(5));
    }

    /** One entry of each kind, the replicated change once for a peer and once for a record. */
    static List<JournalEntry> eachKind() {
        return List.of(
                new JournalEntry.Announced(peer(hash(1), 1, 100, T0), AnnounceEvent.STARTED),
                new JournalEntry.Expired(T0.minusSeconds(3600)),
                new JournalEntry.TorrentPut(record(hash(1), "one", Set.of("linux", "iso", "x86_64"))),
                new JournalEntry.TorrentRemoved(hash(2)),
                new JournalEntry.Applied(new Change(41, Change.Kind.PEER_PUT, V2, Optional.of(onionPeer(V2)),
                        Optional.empty())),
                new JournalEntry.Applied(new Change(42, Change.Kind.TORRENT_PUT, V2, Optional.empty(),
                        Optional.of(record(V2, "v2 torrent", Set.of("solo"))))));
    }

    /** A journal file of generation 0 holding {@code entries}. */
    static byte[] journal(List<JournalEntry> entries) {
        ByteWriter out = new ByteWriter(1024);
        out.putBytes(RecordFraming.header(0));
        CRC32C crc = new CRC32C();
        for (JournalEntry entry : entries) {
            RecordFraming.append(out, entry, crc);
        }
        return Arrays.copyOf(out.array(), out.size());
    }

    /** The journal of {@link #eachKind()} followed by the first 30 bytes of another copy of its first record. */
    static byte[] tornJournal() {
        byte[] whole = journal(eachKind());
        byte[] torn = Arrays.copyOf(whole, whole.length + 30);
        System.arraycopy(whole, RecordFraming.HEADER_BYTES, torn, whole.length, 30);
        return torn;
    }

    /** A small store's state: records (one with tags, one v2), peers on three torrents, a stop, a removal. */
    static StoreState state() {
        MemoryTrackerStore store = new MemoryTrackerStore();
        store.putTorrent(record(hash(1), "one", Set.of("linux", "iso")));
        store.putTorrent(record(V2, "v2 torrent", Set.of()));
        for (int p = 0; p < 3; p++) {
            store.announce(announce(peer(hash(1), p, p == 0 ? 0 : 500, T0.plusSeconds(p)),
                    p == 0 ? AnnounceEvent.COMPLETED : AnnounceEvent.STARTED, 10));
        }
        store.announce(announce(onionPeer(V2), AnnounceEvent.NONE, 0));
        store.announce(announce(peer(hash(3), 9, 1, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(hash(3), 10, 1, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(hash(3), 10, 1, T0), AnnounceEvent.STOPPED, 0));
        store.putTorrent(record(hash(4), "gone soon", Set.of("tmp")));
        store.removeTorrent(hash(4));
        return store.exportState();
    }

    /** The snapshot of {@link #state()}, generation 1. */
    static byte[] snapshot(StoreState state) {
        ByteWriter out = SnapshotCodec.encode(state, 1);
        return Arrays.copyOf(out.array(), out.size());
    }
}
