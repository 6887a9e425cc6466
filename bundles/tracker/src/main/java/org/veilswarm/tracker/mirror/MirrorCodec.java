package org.veilswarm.tracker.mirror;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * The canonical bencoding (BEP 3: sorted keys, shortest integers, so one document has exactly one
 * encoding) of snapshots and change batches, and their strict decoding. Every document carries the request's
 * {@code nonce} and the share's {@code scope}; the decoder refuses a document whose nonce or scope is not the
 * one the mirror asked for, which makes a replayed or substituted answer (an old one, or another share's)
 * fail even though its signature is genuine. Layouts: docs/protocols/tracker-mirroring.md.
 */
public final class MirrorCodec {
    static final int NONCE_LENGTH = 16;
    static final int SCOPE_LENGTH = 32;

    private final MirrorLimits limits;

    public MirrorCodec(MirrorLimits limits) {
        this.limits = limits;
    }

    public MirrorLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- encoding

    public byte[] encodeSnapshot(MirrorSnapshot snapshot, byte[] nonce, byte[] scope) {
        List<BencodeValue> torrents = new ArrayList<>();
        for (MirroredTorrent t : snapshot.torrents()) {
            List<BencodeValue> peers = new ArrayList<>();
            t.peers().forEach(p -> peers.add(peer(p)));
            BencodeDictionary.Builder b = BencodeDictionary.builder().put("hash", t.infoHash().bytes())
                    .put("peers", new BencodeList(peers));
            t.record().ifPresent(r -> b.put("record", record(r)));
            torrents.add(b.build());
        }
        return BencodeEncoder.encode(BencodeDictionary.builder().put("epoch", snapshot.epoch().bytes())
                .put("head", snapshot.head()).put("nonce", nonce).put("scope", scope)
                .put("torrents", new BencodeList(torrents)).build());
    }

    public byte[] encodeBatch(ChangeBatch batch, byte[] nonce, byte[] scope) {
        List<BencodeValue> changes = new ArrayList<>();
        for (Change c : batch.changes()) {
            BencodeDictionary.Builder b = BencodeDictionary.builder().put("hash", c.infoHash().bytes())
                    .put("kind", kindName(c.kind())).put("seq", c.sequence());
            c.peer().ifPresent(p -> b.put("peer", peer(p)));
            c.torrent().ifPresent(r -> b.put("record", record(r)));
            changes.add(b.build());
        }
        return BencodeEncoder.encode(BencodeDictionary.builder().put("changes", new BencodeList(changes))
                .put("epoch", batch.epoch().bytes()).put("from", batch.from()).put("nonce", nonce)
                .put("scope", scope).put("to", batch.to()).build());
    }

    private static BencodeDictionary peer(PeerEntry p) {
        return BencodeDictionary.builder().put("address", p.address().toString()).put("downloaded", p.downloaded())
                .put("last seen", p.lastSeen().toEpochMilli()).put("left", p.left()).put("peer id", p.peerId())
                .put("uploaded", p.uploaded()).build();
    }

    private static BencodeDictionary record(TorrentRecord r) {
        List<BencodeValue> files = new ArrayList<>();
        r.files().forEach(f -> files.add(BencodeString.of(f)));
        List<BencodeValue> tags = new ArrayList<>();
        // A set has no order; sorting makes the encoding canonical.
        new TreeSet<>(r.tags()).forEach(t -> tags.add(BencodeString.of(t)));
        return BencodeDictionary.builder().put("added", r.added().toEpochMilli()).put("description", r.description())
                .put("files", new BencodeList(files)).put("name", r.name()).put("size", r.size())
                .put("tags", new BencodeList(tags))
                .put("visibility", r.visibility() == Visibility.PUBLIC ? "public" : "private").build();
    }

    private static String kindName(Change.Kind kind) {
        return switch (kind) {
            case PEER_PUT -> "peer put";
            case PEER_REMOVE -> "peer remove";
            case TORRENT_PUT -> "torrent put";
            case TORRENT_REMOVE -> "torrent remove";
        };
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes a verified snapshot document that must answer the request with {@code nonce} for {@code scope}. */
    public MirrorSnapshot decodeSnapshot(byte[] document, byte[] nonce, byte[] scope) throws MirrorException {
        Reader top = new Reader(decode(document, limits.maxSnapshotBytes()), "snapshot");
        top.expectKeys("epoch", "head", "nonce", "scope", "torrents");
        checkBinding(top, nonce, scope);
        FeedEpoch epoch = FeedEpoch.of(top.bytes("epoch", FeedEpoch.LENGTH, FeedEpoch.LENGTH));
        long head = top.natural("head");
        List<BencodeValue> list = top.list("torrents", limits.maxTorrents());
        List<MirroredTorrent> torrents = new ArrayList<>(list.size());
        Set<InfoHash> seen = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Reader t = Reader.of(list.get(i), "torrent " + i);
            t.expectKeys("hash", "peers", "record");
            InfoHash hash = t.infoHash("hash");
            if (!seen.add(hash.truncated())) {
                throw new MirrorException("malformed snapshot: torrent " + hash + " appears twice");
            }
            Optional<TorrentRecord> record = t.has("record")
                    ? Optional.of(record(Reader.of(t.value("record"), "record of " + hash), hash))
                    : Optional.empty();
            List<BencodeValue> peerValues = t.list("peers", limits.maxPeersPerTorrent());
            List<PeerEntry> peers = new ArrayList<>(peerValues.size());
            for (int p = 0; p < peerValues.size(); p++) {
                peers.add(peer(Reader.of(peerValues.get(p), "peer " + p + " of " + hash), hash));
            }
            torrents.add(new MirroredTorrent(hash, record, peers));
        }
        return new MirrorSnapshot(epoch, head, torrents);
    }

    /** Decodes a verified change-batch document that must answer the request with {@code nonce} for {@code scope}. */
    public ChangeBatch decodeBatch(byte[] document, byte[] nonce, byte[] scope) throws MirrorException {
        Reader top = new Reader(decode(document, limits.maxBatchBytes()), "change batch");
        top.expectKeys("changes", "epoch", "from", "nonce", "scope", "to");
        checkBinding(top, nonce, scope);
        FeedEpoch epoch = FeedEpoch.of(top.bytes("epoch", FeedEpoch.LENGTH, FeedEpoch.LENGTH));
        long from = top.natural("from");
        long to = top.natural("to");
        if (to < from) {
            throw new MirrorException("malformed change batch: range (" + from + ", " + to + "] is backwards");
        }
        List<BencodeValue> list = top.list("changes", limits.maxBatchChanges());
        List<Change> changes = new ArrayList<>(list.size());
        long previous = from;
        for (int i = 0; i < list.size(); i++) {
            Reader c = Reader.of(list.get(i), "change " + i);
            c.expectKeys("hash", "kind", "peer", "record", "seq");
            long seq = c.natural("seq");
            if (seq <= previous || seq > to) {
                throw new MirrorException("malformed change batch: change " + i + " has sequence " + seq
                        + ", expected above " + previous + " and at most " + to);
            }
            previous = seq;
            InfoHash hash = c.infoHash("hash");
            Change.Kind kind = kind(c.text("kind", 32));
            Optional<PeerEntry> peer = c.has("peer")
                    ? Optional.of(peer(Reader.of(c.value("peer"), "peer of change " + seq), hash))
                    : Optional.empty();
            Optional<TorrentRecord> record = c.has("record")
                    ? Optional.of(record(Reader.of(c.value("record"), "record of change " + seq), hash))
                    : Optional.empty();
            try {
                changes.add(new Change(seq, kind, hash, peer, record));
            } catch (IllegalArgumentException e) {
                throw new MirrorException("malformed change batch: change " + seq + ": " + e.getMessage(), e);
            }
        }
        return new ChangeBatch(epoch, from, to, changes);
    }

    private BencodeDictionary decode(byte[] document, int maxBytes) throws MirrorException {
        try {
            // A genuine document spends about 15 bytes per value (a peer: 13 values in about 190 bytes); one
            // value per 8 bytes caps the objects a source can make the mirror build from tiny values.
            BencodeLimits bounds = new BencodeLimits(maxBytes, 6, limits.maxTextBytes(), Math.max(1024, maxBytes / 8));
            return BencodeDecoder.strict().withLimits(bounds).decodeDictionary(document);
        } catch (BencodeException | ClassCastException e) {
            throw new MirrorException("malformed mirror document: " + e.getMessage(), e);
        }
    }

    private static void checkBinding(Reader top, byte[] nonce, byte[] scope) throws MirrorException {
        if (!Arrays.equals(top.bytes("nonce", NONCE_LENGTH, NONCE_LENGTH), nonce)) {
            throw new MirrorException(top.what + " answers another request (nonce mismatch): replayed?");
        }
        if (!Arrays.equals(top.bytes("scope", SCOPE_LENGTH, SCOPE_LENGTH), scope)) {
            throw new MirrorException(top.what + " is for another share (scope mismatch)");
        }
    }

    private PeerEntry peer(Reader p, InfoHash hash) throws MirrorException {
        p.expectKeys("address", "downloaded", "last seen", "left", "peer id", "uploaded");
        try {
            return new PeerEntry(hash, p.bytes("peer id", 20, 20), TransportAddress.parse(p.text("address", 300)),
                    p.natural("left"), p.natural("uploaded"), p.natural("downloaded"),
                    Instant.ofEpochMilli(p.natural("last seen")));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new MirrorException("malformed " + p.what + ": " + e.getMessage(), e);
        }
    }

    private TorrentRecord record(Reader r, InfoHash hash) throws MirrorException {
        r.expectKeys("added", "description", "files", "name", "size", "tags", "visibility");
        List<String> files = new ArrayList<>();
        for (BencodeValue v : r.list("files", limits.maxFilesPerTorrent())) {
            files.add(Reader.utf8(v, r.what + " file"));
        }
        Set<String> tags = new LinkedHashSet<>();
        for (BencodeValue v : r.list("tags", 1_000)) {
            tags.add(Reader.utf8(v, r.what + " tag"));
        }
        Visibility visibility = switch (r.text("visibility", 16)) {
            case "public" -> Visibility.PUBLIC;
            case "private" -> Visibility.PRIVATE;
            default -> throw new MirrorException("malformed " + r.what + ": visibility is neither public nor private");
        };
        try {
            return new TorrentRecord(hash, r.text("name", limits.maxTextBytes()),
                    r.text("description", limits.maxTextBytes()), tags, r.natural("size"), files, visibility,
                    Instant.ofEpochMilli(r.natural("added")));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new MirrorException("malformed " + r.what + ": " + e.getMessage(), e);
        }
    }

    private static Change.Kind kind(String name) throws MirrorException {
        return switch (name) {
            case "peer put" -> Change.Kind.PEER_PUT;
            case "peer remove" -> Change.Kind.PEER_REMOVE;
            case "torrent put" -> Change.Kind.TORRENT_PUT;
            case "torrent remove" -> Change.Kind.TORRENT_REMOVE;
            default -> throw new MirrorException("malformed change batch: unknown change kind '" + name + "'");
        };
    }

    /** Typed access to a decoded dictionary, with errors that say which field of what is wrong. */
    private static final class Reader {
        final BencodeDictionary dictionary;
        final String what;

        Reader(BencodeDictionary dictionary, String what) {
            this.dictionary = dictionary;
            this.what = what;
        }

        static Reader of(BencodeValue value, String what) throws MirrorException {
            if (!(value instanceof BencodeDictionary d)) {
                throw new MirrorException("malformed " + what + ": a " + value.typeName() + ", expected a dictionary");
            }
            return new Reader(d, what);
        }

        /** Refuses unknown keys: a canonical document has exactly the fields this version defines. */
        void expectKeys(String... allowed) throws MirrorException {
            Set<String> known = Set.of(allowed);
            for (BencodeString key : dictionary.entries().keySet()) {
                String name = key.utf8().orElse("?");
                if (!known.contains(name)) {
                    throw new MirrorException("malformed " + what + ": unknown field '" + name + "'");
                }
            }
        }

        boolean has(String key) {
            return dictionary.containsKey(key);
        }

        BencodeValue value(String key) throws MirrorException {
            return dictionary.get(key).orElseThrow(() -> new MirrorException("malformed " + what + ": no " + key));
        }

        long natural(String key) throws MirrorException {
            if (!(value(key) instanceof BencodeInteger i) || i.value() < 0) {
                throw new MirrorException("malformed " + what + ": " + key + " is not a non-negative integer");
            }
            return i.value();
        }

        byte[] bytes(String key, int min, int max) throws MirrorException {
            if (!(value(key) instanceof BencodeString s)) {
                throw new MirrorException("malformed " + what + ": " + key + " is not a string");
            }
            if (s.length() < min || s.length() > max) {
                throw new MirrorException("malformed " + what + ": " + key + " has " + s.length() + " bytes, expected "
                        + (min == max ? String.valueOf(min) : min + "-" + max));
            }
            return s.bytes();
        }

        String text(String key, int maxBytes) throws MirrorException {
            BencodeValue value = value(key);
            if (value instanceof BencodeString s && s.length() > maxBytes) {
                throw new MirrorException("malformed " + what + ": " + key + " longer than " + maxBytes + " bytes");
            }
            return utf8(value, what + " " + key);
        }

        InfoHash infoHash(String key) throws MirrorException {
            byte[] raw = bytes(key, 20, 32);
            if (raw.length != 20 && raw.length != 32) {
                throw new MirrorException("malformed " + what + ": an info-hash has 20 or 32 bytes, got " + raw.length);
            }
            return InfoHash.of(raw);
        }

        List<BencodeValue> list(String key, int max) throws MirrorException {
            if (!(value(key) instanceof BencodeList l)) {
                throw new MirrorException("malformed " + what + ": " + key + " is not a list");
            }
            if (l.size() > max) {
                throw new MirrorException(what + ": " + key + " has " + l.size() + " entries, more than the limit of "
                        + max);
            }
            return l.values();
        }

        static String utf8(BencodeValue value, String what) throws MirrorException {
            if (!(value instanceof BencodeString s)) {
                throw new MirrorException("malformed " + what + ": not a string");
            }
            return s.utf8().orElseThrow(() -> new MirrorException("malformed " + what + ": not UTF-8"));
        }
    }
}
