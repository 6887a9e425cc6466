package org.veilswarm.tracker.store.journal;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.store.journal.ByteReader.FormatException;

/**
 * The tracker's values in the journal's and snapshot's binary form: big-endian integers, length-prefixed UTF-8.
 * Decoding runs every value through its own constructor, so what the API refuses (a 19-byte info-hash, a port 0,
 * a negative count) is refused here too, as a {@link FormatException}.
 */
final class ValueCodec {
    private static final Visibility[] VISIBILITIES = Visibility.values();
    private static final Change.Kind[] KINDS = Change.Kind.values();

    private ValueCodec() {
    }

    static void putInfoHash(ByteWriter out, InfoHash hash) {
        byte[] bytes = hash.bytes();
        out.putByte(bytes.length);
        out.putBytes(bytes);
    }

    static InfoHash getInfoHash(ByteReader in) throws FormatException {
        int length = in.getByte("info-hash length");
        byte[] bytes = in.getBytes(length, "info-hash");
        try {
            return InfoHash.of(bytes);
        } catch (IllegalArgumentException e) {
            throw new FormatException("info-hash: " + e.getMessage());
        }
    }

    static void putInstant(ByteWriter out, Instant t) {
        out.putLong(t.getEpochSecond());
        out.putInt(t.getNano());
    }

    static Instant getInstant(ByteReader in, String what) throws FormatException {
        long seconds = in.getLong(what);
        int nanos = in.getInt(what);
        try {
            if (nanos < 0 || nanos > 999_999_999) {
                throw new DateTimeException("nanoseconds " + nanos);
            }
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (DateTimeException e) {
            throw new FormatException(what + " out of range: " + e.getMessage());
        }
    }

    static void putPeer(ByteWriter out, PeerEntry peer) {
        putInfoHash(out, peer.infoHash());
        out.putBytes(peer.peerId());
        out.putString(peer.address().host());
        out.putInt(peer.address().port());
        out.putLong(peer.left());
        out.putLong(peer.uploaded());
        out.putLong(peer.downloaded());
        putInstant(out, peer.lastSeen());
    }

    static PeerEntry getPeer(ByteReader in) throws FormatException {
        InfoHash hash = getInfoHash(in);
        byte[] peerId = in.getBytes(20, "peer id");
        String host = in.getString("peer host");
        int port = in.getInt("peer port");
        long left = in.getLong("left");
        long uploaded = in.getLong("uploaded");
        long downloaded = in.getLong("downloaded");
        Instant lastSeen = getInstant(in, "last seen");
        try {
            return new PeerEntry(hash, peerId, new TransportAddress(host, port), left, uploaded, downloaded,
                    lastSeen);
        } catch (IllegalArgumentException e) {
            throw new FormatException("peer: " + e.getMessage());
        }
    }

    static void putRecord(ByteWriter out, TorrentRecord record) {
        putInfoHash(out, record.infoHash());
        out.putString(record.name());
        out.putString(record.description());
        out.putInt(record.tags().size());
        // Sorted: a set's iteration order changes from one JVM start to the next, the file's should not.
        for (String tag : new java.util.TreeSet<>(record.tags())) {
            out.putString(tag);
        }
        out.putLong(record.size());
        out.putInt(record.files().size());
        for (String file : record.files()) {
            out.putString(file);
        }
        out.putByte(record.visibility().ordinal());
        putInstant(out, record.added());
    }

    static TorrentRecord getRecord(ByteReader in) throws FormatException {
        InfoHash hash = getInfoHash(in);
        String name = in.getString("name");
        String description = in.getString("description");
        int tagCount = in.getCount(4, "tag");
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < tagCount; i++) {
            tags.add(in.getString("tag"));
        }
        long size = in.getLong("size");
        int fileCount = in.getCount(4, "file");
        List<String> files = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            files.add(in.getString("file"));
        }
        int visibility = in.getByte("visibility");
        if (visibility >= VISIBILITIES.length) {
            throw new FormatException("unknown visibility " + visibility);
        }
        Instant added = getInstant(in, "added");
        try {
            return new TorrentRecord(hash, name, description, tags, size, files, VISIBILITIES[visibility], added);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FormatException("torrent record: " + e.getMessage());
        }
    }

    static void putChange(ByteWriter out, Change change) {
        out.putLong(change.sequence());
        out.putByte(change.kind().ordinal());
        putInfoHash(out, change.infoHash());
        out.putByte(change.peer().isPresent() ? 1 : 0);
        change.peer().ifPresent(p -> putPeer(out, p));
        out.putByte(change.torrent().isPresent() ? 1 : 0);
        change.torrent().ifPresent(r -> putRecord(out, r));
    }

    static Change getChange(ByteReader in) throws FormatException {
        long sequence = in.getLong("sequence");
        int kind = in.getByte("change kind");
        if (kind >= KINDS.length) {
            throw new FormatException("unknown change kind " + kind);
        }
        InfoHash hash = getInfoHash(in);
        Optional<PeerEntry> peer = getFlag(in, "peer flag") ? Optional.of(getPeer(in)) : Optional.empty();
        Optional<TorrentRecord> record = getFlag(in, "record flag") ? Optional.of(getRecord(in)) : Optional.empty();
        try {
            return new Change(sequence, KINDS[kind], hash, peer, record);
        } catch (IllegalArgumentException e) {
            throw new FormatException("change: " + e.getMessage());
        }
    }

    private static boolean getFlag(ByteReader in, String what) throws FormatException {
        int flag = in.getByte(what);
        if (flag > 1) {
            throw new FormatException(what + " is " + flag + ", not 0 or 1");
        }
        return flag == 1;
    }
}
