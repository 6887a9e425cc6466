package org.veilswarm.tracker.store.journal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.tracker.store.journal.ByteReader.FormatException;
import org.veilswarm.tracker.store.memory.StoreState;

/**
 * A snapshot file: the whole {@link StoreState} after every journal of an earlier generation, so that those
 * journals can go. {@code magic VSS1 | format version | generation | head | completed total | torrents | feed |
 * CRC-32C of everything before it}. A snapshot is written under a temporary name and renamed when complete, so
 * a snapshot file is either whole or absent; the checksum catches damage after that.
 */
final class SnapshotCodec {
    static final byte[] MAGIC = {'V', 'S', 'S', '1'};
    static final int FORMAT_VERSION = 1;

    private SnapshotCodec() {
    }

    static ByteWriter encode(StoreState state, long generation) {
        ByteWriter out = new ByteWriter(4096);
        out.putBytes(MAGIC);
        out.putInt(FORMAT_VERSION);
        out.putLong(generation);
        out.putLong(state.head());
        out.putLong(state.completedTotal());
        out.putInt(state.torrents().size());
        for (StoreState.Torrent torrent : state.torrents()) {
            ValueCodec.putInfoHash(out, torrent.key());
            out.putByte(torrent.record() != null ? 1 : 0);
            if (torrent.record() != null) {
                ValueCodec.putRecord(out, torrent.record());
            }
            out.putLong(torrent.downloaded());
            out.putInt(torrent.peers().size());
            for (PeerEntry peer : torrent.peers()) {
                ValueCodec.putPeer(out, peer);
            }
        }
        out.putInt(state.feed().size());
        for (Change change : state.feed()) {
            ValueCodec.putChange(out, change);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.size());
        out.putInt((int) crc.getValue());
        return out;
    }

    static StoreState decode(ByteBuffer bytes, long generation) throws FormatException {
        if (bytes.remaining() < MAGIC.length + 4 + 8 + 4) {
            throw new FormatException("not a Veilswarm tracker snapshot (" + bytes.remaining() + " bytes)");
        }
        ByteBuffer body = bytes.duplicate();
        body.limit(body.limit() - 4);
        int stored = bytes.getInt(bytes.limit() - 4);
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        byte[] magic = new byte[4];
        body.duplicate().get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new FormatException("not a Veilswarm tracker snapshot (no VSS1 header)");
        }
        if ((int) crc.getValue() != stored) {
            throw new FormatException("the snapshot's checksum fails: the file is damaged");
        }
        ByteReader in = new ByteReader(body);
        in.getBytes(4, "magic");
        int version = in.getInt("format version");
        if (version != FORMAT_VERSION) {
            throw new FormatException("snapshot format " + version + " (this version reads " + FORMAT_VERSION
                    + "; written by a newer Veilswarm?)");
        }
        long written = in.getLong("generation");
        if (written != generation) {
            throw new FormatException("the header says generation " + written + " but the file name says "
                    + generation);
        }
        long head = in.getLong("head");
        long completed = in.getLong("completed total");
        int torrentCount = in.getCount(22, "torrent");
        List<StoreState.Torrent> torrents = new ArrayList<>(torrentCount);
        for (int i = 0; i < torrentCount; i++) {
            InfoHash key = ValueCodec.getInfoHash(in);
            int hasRecord = in.getByte("record flag");
            if (hasRecord > 1) {
                throw new FormatException("record flag is " + hasRecord + ", not 0 or 1");
            }
            TorrentRecord record = hasRecord == 1 ? ValueCodec.getRecord(in) : null;
            long downloaded = in.getLong("downloaded");
            int peerCount = in.getCount(60, "peer");
            List<PeerEntry> peers = new ArrayList<>(peerCount);
            for (int p = 0; p < peerCount; p++) {
                peers.add(ValueCodec.getPeer(in));
            }
            try {
                torrents.add(new StoreState.Torrent(key, record, downloaded, peers));
            } catch (IllegalArgumentException e) {
                throw new FormatException("torrent " + key + ": " + e.getMessage());
            }
        }
        int changeCount = in.getCount(30, "change");
        List<Change> feed = new ArrayList<>(changeCount);
        for (int i = 0; i < changeCount; i++) {
            feed.add(ValueCodec.getChange(in));
        }
        in.expectEnd("the snapshot");
        try {
            return new StoreState(head, completed, torrents, feed);
        } catch (IllegalArgumentException e) {
            throw new FormatException("snapshot: " + e.getMessage());
        }
    }
}
