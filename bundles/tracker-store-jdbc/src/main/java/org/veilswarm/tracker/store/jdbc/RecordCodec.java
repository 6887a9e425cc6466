package org.veilswarm.tracker.store.jdbc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.Visibility;

/**
 * The torrent record carried by a {@code TORRENT_PUT} change, as one text column: a sequence of
 * length-prefixed fields ({@code <chars>:<text>}), so names, paths and descriptions may hold any character.
 * The feed keeps the record as it was at the time of the change, which the current torrents row cannot.
 */
final class RecordCodec {
    private RecordCodec() {
    }

    static String encode(TorrentRecord r) {
        StringBuilder out = new StringBuilder();
        field(out, r.infoHash().hex());
        field(out, r.name());
        field(out, r.description());
        field(out, Long.toString(r.size()));
        field(out, r.visibility().name());
        field(out, Long.toString(r.added().getEpochSecond()));
        field(out, Integer.toString(r.added().getNano()));
        field(out, Integer.toString(r.tags().size()));
        r.tags().stream().sorted().forEach(t -> field(out, t));
        field(out, Integer.toString(r.files().size()));
        r.files().forEach(f -> field(out, f));
        return out.toString();
    }

    static TorrentRecord decode(String text) {
        Reader in = new Reader(text);
        InfoHash hash = InfoHash.ofHex(in.next());
        String name = in.next();
        String description = in.next();
        long size = Long.parseLong(in.next());
        Visibility visibility = Visibility.valueOf(in.next());
        Instant added = Instant.ofEpochSecond(Long.parseLong(in.next()), Integer.parseInt(in.next()));
        int tagCount = Integer.parseInt(in.next());
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < tagCount; i++) {
            tags.add(in.next());
        }
        int fileCount = Integer.parseInt(in.next());
        List<String> files = new ArrayList<>(fileCount);
        for (int i = 0; i < fileCount; i++) {
            files.add(in.next());
        }
        if (in.at != text.length()) {
            throw new IllegalArgumentException("trailing data after a torrent record in the change feed");
        }
        return new TorrentRecord(hash, name, description, tags, size, files, visibility, added);
    }

    private static void field(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value);
    }

    private static final class Reader {
        final String text;
        int at;

        Reader(String text) {
            this.text = text;
        }

        String next() {
            int colon = text.indexOf(':', at);
            if (colon < 0) {
                throw new IllegalArgumentException("truncated torrent record in the change feed");
            }
            int length = Integer.parseInt(text.substring(at, colon));
            at = colon + 1 + length;
            return text.substring(colon + 1, at);
        }
    }
}
