package org.veilswarm.tracker.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.transport.TransportAddress;

/**
 * The Java part of migration 2: copies the version 1 feed (table {@code changes}, a row per change) into
 * {@code change_batches} rows of consecutive changes, with the same sequence numbers and contents, and drops
 * {@code changes}. Runs in the migration's transaction, after {@code 2.sql}.
 */
final class FeedMigration {
    private static final HexFormat HEX = HexFormat.of();

    private FeedMigration() {
    }

    static void fromVersion1(Connection c) throws SQLException {
        try (BatchWriter out = new BatchWriter(c);
                PreparedStatement p = c.prepareStatement("SELECT seq, kind, info_hash, peer_id, host, port, "
                        + "left_bytes, uploaded, downloaded, last_seen_seconds, last_seen_nanos, torrent_record "
                        + "FROM changes ORDER BY seq");
                ResultSet r = p.executeQuery()) {
            while (r.next()) {
                long seq = r.getLong(1);
                Change.Kind kind = Change.Kind.valueOf(r.getString(2));
                InfoHash hash = InfoHash.ofHex(r.getString(3));
                PeerEntry peer = null;
                if (kind == Change.Kind.PEER_PUT || kind == Change.Kind.PEER_REMOVE) {
                    peer = new PeerEntry(hash, HEX.parseHex(r.getString(4)),
                            new TransportAddress(r.getString(5), r.getInt(6)), r.getLong(7), r.getLong(8),
                            r.getLong(9), Instant.ofEpochSecond(r.getLong(10), r.getInt(11)));
                }
                String record = r.getString(12);
                out.add(seq, new FeedCodec.Pending(kind, hash, peer, record == null ? null
                        : RecordCodec.decode(record)));
            }
            out.finish();
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE changes");
        }
    }

    /** Writes consecutive changes as {@code change_batches} rows; a gap in the sequence starts a new row. */
    static final class BatchWriter implements AutoCloseable {
        private final PreparedStatement insert;
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder scratch = new StringBuilder();
        private InfoHash lastHash;
        private String lastHashHex;
        private long first;
        private long last;
        private int count;

        BatchWriter(Connection c) throws SQLException {
            this.insert = c.prepareStatement(
                    "INSERT INTO change_batches (last_seq, first_seq, entries) VALUES (?, ?, ?)");
        }

        void add(long seq, FeedCodec.Entry e) throws SQLException {
            if (count > 0 && (seq != last + 1 || count >= FeedCodec.MAX_CHANGES
                    || text.length() >= FeedCodec.MAX_CHARS)) {
                writeRow();
            }
            if (count == 0) {
                first = seq;
            }
            if (!e.hash().equals(lastHash)) {
                lastHash = e.hash();
                lastHashHex = lastHash.hex();
            }
            FeedCodec.append(text, scratch, e, lastHashHex);
            last = seq;
            count++;
        }

        private void writeRow() throws SQLException {
            insert.setLong(1, last);
            insert.setLong(2, first);
            insert.setString(3, text.toString());
            insert.executeUpdate();
            text.setLength(0);
            count = 0;
        }

        /** Writes the last row. */
        void finish() throws SQLException {
            if (count > 0) {
                writeRow();
            }
        }

        @Override
        public void close() throws SQLException {
            insert.close();
        }
    }
}
