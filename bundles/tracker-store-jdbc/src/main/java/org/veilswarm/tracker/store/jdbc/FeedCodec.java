package org.veilswarm.tracker.store.jdbc;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.transport.TransportAddress;

/**
 * The {@code entries} text of a {@code change_batches} row (schema version 2): consecutive changes of the feed,
 * each as {@code <chars>:<change>}, so that a reader skips the changes before the one it wants without parsing
 * them. A change is its kind's letter ({@code P}ut peer, {@code R}emove peer, {@code T}orrent put, torrent
 * remove {@code X}), the info-hash in hex and a space; then for a peer change its peer id in hex, the host as
 * {@code <chars>:<host>}, and port, left, uploaded, downloaded, last-seen seconds and nanoseconds, each
 * followed by a space; for a torrent put the record as {@link RecordCodec} writes it. Sequence numbers are not
 * stored per change: a row holds the changes {@code first_seq..last_seq} in order.
 *
 * <p>Why a row holds many changes: the write-behind store appends one change per answered announce, thousands
 * a second, and a row per change (12 columns, an index entry each) made its flusher the tracker's largest
 * consumer of CPU; one row per flush (or per {@link #MAX_CHANGES} changes) costs one index entry and one text.
 */
final class FeedCodec {
    /** Changes per row at most: bounds what a reader decodes to find one change. */
    static final int MAX_CHANGES = 512;
    /** Characters per row at which no further change is added (a single larger change still gets a row). */
    static final int MAX_CHARS = 256 * 1024;
    private static final HexFormat HEX = HexFormat.of();

    private FeedCodec() {
    }

    /** A change waiting for its row; its sequence number is its place in the transaction's feed. */
    interface Entry {
        Change.Kind kind();

        InfoHash hash();

        /** For peer changes, else null. */
        PeerEntry peer();

        /** For {@code TORRENT_PUT}, else null. */
        TorrentRecord record();
    }

    record Pending(Change.Kind kind, InfoHash hash, PeerEntry peer, TorrentRecord record) implements Entry {
    }

    /**
     * Appends {@code e} to {@code out} (the row's text); {@code scratch} is a builder the caller reuses, and
     * {@code hashHex} is {@code e.hash().hex()} (callers keep the last one: a flush's changes are mostly of one
     * torrent, and formatting the hash for each was a fifth of the flusher's time).
     */
    static void append(StringBuilder out, StringBuilder scratch, Entry e, String hashHex) {
        scratch.setLength(0);
        scratch.append(letter(e.kind())).append(hashHex).append(' ');
        PeerEntry p = e.peer();
        if (p != null) {
            String host = p.address().host();
            appendHex(scratch, p.peerId());
            scratch.append(' ').append(host.length()).append(':').append(host)
                    .append(p.address().port()).append(' ').append(p.left()).append(' ').append(p.uploaded())
                    .append(' ').append(p.downloaded()).append(' ').append(p.lastSeen().getEpochSecond()).append(' ')
                    .append(p.lastSeen().getNano()).append(' ');
        }
        if (e.record() != null) {
            scratch.append(RecordCodec.encode(e.record()));
        }
        out.append(scratch.length()).append(':').append(scratch);
    }

    /**
     * Decodes the changes of a row holding {@code firstSeq..} into {@code out}, skipping those at or before
     * {@code after}, until {@code out} holds {@code max}.
     *
     * @throws IllegalArgumentException if the text is damaged
     */
    static void decode(String text, long firstSeq, long after, int max, List<Change> out) {
        int at = 0;
        long seq = firstSeq;
        while (at < text.length() && out.size() < max) {
            int colon = text.indexOf(':', at);
            if (colon < 0) {
                throw new IllegalArgumentException("damaged change batch at sequence " + seq);
            }
            int end = colon + 1 + Integer.parseInt(text, at, colon, 10);
            if (seq > after) {
                out.add(change(text, colon + 1, end, seq));
            }
            at = end;
            seq++;
        }
    }

    /** The number of changes in a row's text. */
    static int count(String text) {
        int n = 0;
        for (int at = 0; at < text.length(); n++) {
            int colon = text.indexOf(':', at);
            at = colon + 1 + Integer.parseInt(text, at, colon, 10);
        }
        return n;
    }

    private static Change change(String text, int from, int end, long seq) {
        Change.Kind kind = kind(text.charAt(from));
        int space = text.indexOf(' ', from);
        InfoHash hash = InfoHash.ofHex(text.substring(from + 1, space));
        int at = space + 1;
        Optional<PeerEntry> peer = Optional.empty();
        Optional<TorrentRecord> record = Optional.empty();
        if (kind == Change.Kind.PEER_PUT || kind == Change.Kind.PEER_REMOVE) {
            int s = text.indexOf(' ', at);
            byte[] peerId = HEX.parseHex(text, at, s);
            at = s + 1;
            int colon = text.indexOf(':', at);
            int hostEnd = colon + 1 + Integer.parseInt(text, at, colon, 10);
            String host = text.substring(colon + 1, hostEnd);
            at = hostEnd;
            long[] n = new long[6];
            for (int i = 0; i < n.length; i++) {
                s = text.indexOf(' ', at);
                n[i] = Long.parseLong(text, at, s, 10);
                at = s + 1;
            }
            peer = Optional.of(new PeerEntry(hash, peerId, new TransportAddress(host, (int) n[0]), n[1], n[2], n[3],
                    Instant.ofEpochSecond(n[4], n[5])));
        } else if (kind == Change.Kind.TORRENT_PUT) {
            record = Optional.of(RecordCodec.decode(text.substring(at, end)));
            at = end;
        }
        if (at != end) {
            throw new IllegalArgumentException("damaged change at sequence " + seq);
        }
        return new Change(seq, kind, hash, peer, record);
    }

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    /** Lower-case hex straight into the builder (HexFormat builds a String first). */
    private static void appendHex(StringBuilder out, byte[] bytes) {
        for (byte b : bytes) {
            out.append(DIGITS[(b >> 4) & 0xf]).append(DIGITS[b & 0xf]);
        }
    }

    private static char letter(Change.Kind kind) {
        return switch (kind) {
            case PEER_PUT -> 'P';
            case PEER_REMOVE -> 'R';
            case TORRENT_PUT -> 'T';
            case TORRENT_REMOVE -> 'X';
        };
    }

    private static Change.Kind kind(char letter) {
        return switch (letter) {
            case 'P' -> Change.Kind.PEER_PUT;
            case 'R' -> Change.Kind.PEER_REMOVE;
            case 'T' -> Change.Kind.TORRENT_PUT;
            case 'X' -> Change.Kind.TORRENT_REMOVE;
            default -> throw new IllegalArgumentException("unknown change kind '" + letter + "' in the feed");
        };
    }
}
