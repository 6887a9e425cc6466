package org.veilswarm.tracker.store.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.zip.CRC32C;

import org.veilswarm.tracker.store.journal.ByteReader.FormatException;
import org.veilswarm.tracker.store.memory.StoreState;

/**
 * The properties {@link JournalFuzzTest} fuzzes and {@link JournalMutationTest} checks in every build.
 *
 * <p>Reading is checked against writing, byte for byte: what the journal reader accepts must be exactly what
 * {@link RecordFraming} writes for the entries it read, and what {@link SnapshotCodec} decodes exactly what it
 * encodes for that state — except in two places where the reader accepts more than one spelling of a value
 * and the writer always writes one, which {@link Canonical} levels on both sides before comparing:
 * <ul>
 * <li>a torrent record's tags: the record holds them as a {@code Set.copyOf}, so the writer lists them in that
 * set's iteration order, which depends on a salt drawn at each JVM start; for two tags whose hashes share a
 * {@code HashSet} bucket ({@code "Aa"}, {@code "BB"}) that order flips on every decode/encode round in about half of
 * the JVM runs, so not even encode→decode→encode is byte-stable and byte idempotence cannot be the property either.
 * A tag listed twice is read as one. Tags are a set in the API, so nothing is lost; but the bytes written for the
 * same record differ between runs.</li>
 * <li>a peer's onion host name: {@code TransportAddress} normalises it (lower case, a trailing dot and leading
 * blanks removed), so {@code ABC….ONION.} reads as {@code abc….onion}. Our writer only writes normalised hosts.</li>
 * </ul>
 * Everything else — counts, flags, lengths, strings (strict UTF-8), instants, enums — must come out identical.
 */
final class JournalProperties {
    private static final HexFormat HEX = HexFormat.of();

    private JournalProperties() {
    }

    /**
     * A journal file of generation 0, as the newest (may be torn) and as an older one (every byte must read):
     * only {@link FormatException} escapes; the two readings agree; the entries read, framed again, are the valid
     * prefix of the input; the torn tail is the rest.
     */
    static void readJournal(byte[] data) {
        List<JournalEntry> entries = new ArrayList<>();
        JournalReader.Result result = readOrNull(data, 0, true, entries);
        List<JournalEntry> strictEntries = new ArrayList<>();
        JournalReader.Result strict = readOrNull(data, 0, false, strictEntries);
        if (result == null) {
            assertEquals(null, strict, "an older journal reads where the newest does not");
            return;
        }
        assertEquals(entries.size(), result.entries(), "entries counted and entries given to the sink");
        assertEquals(data.length, result.validBytes() + result.tornBytes(), "valid and torn bytes cover the file");
        if (result.validBytes() == 0) {
            // A header cut short (nothing but a start of the header, or zeros), or a file of zeros only.
            assertTrue(data.length < RecordFraming.HEADER_BYTES || allZero(data, 0), "a whole header counted as torn");
            assertTrue(entries.isEmpty());
            byte[] header = RecordFraming.header(0);
            assertTrue(Arrays.equals(data, Arrays.copyOf(header, data.length)) || allZero(data, 0),
                    "a header cut short that is neither a start of the header nor zeros");
            assertEquals(null, strict, "an older journal with no whole header read");
            return;
        }
        assertTrue(result.validBytes() >= RecordFraming.HEADER_BYTES, "valid bytes shorter than a header");
        assertThrows(FormatException.class, () -> JournalReader.read(ByteBuffer.wrap(data), 1, true, e -> { }),
                "a journal of generation 0 read as generation 1");
        if (result.tornBytes() > 0) {
            assertEquals(null, strict, "an older journal with a torn tail read");
        } else {
            assertTrue(strict != null, "a whole journal does not read as an older one");
            assertEquals(result, strict);
            assertEquals(entries, strictEntries);
        }

        byte[] reframed = JournalSamples.journal(entries);
        List<JournalEntry> again = new ArrayList<>();
        JournalReader.Result reread = readOrNull(reframed, 0, false, again);
        assertTrue(reread != null, "the re-framed entries do not read");
        assertEquals(new JournalReader.Result(entries.size(), reframed.length, 0, null), reread);
        assertEquals(entries, again, "the re-framed entries read as other values");

        byte[] valid = Arrays.copyOf(data, (int) result.validBytes());
        if (!Arrays.equals(valid, reframed)) {
            assertArrayEquals(Arrays.copyOf(valid, RecordFraming.HEADER_BYTES),
                    Arrays.copyOf(reframed, RecordFraming.HEADER_BYTES), "header");
            List<byte[]> read = bodies(valid);
            List<byte[]> written = bodies(reframed);
            assertEquals(entries.size(), read.size(), "records in the valid bytes");
            assertEquals(entries.size(), written.size(), "records re-framed");
            for (int i = 0; i < entries.size(); i++) {
                if (!Arrays.equals(read.get(i), written.get(i))) {
                    byte[] in = Canonical.entry(read.get(i));
                    byte[] out = Canonical.entry(written.get(i));
                    if (!Arrays.equals(in, out)) {
                        throw new AssertionError("record " + i + " (" + entries.get(i) + ") is written as other"
                                + " bytes than were read:\n read    " + HEX.formatHex(read.get(i))
                                + "\n written " + HEX.formatHex(written.get(i)));
                    }
                }
            }
        }
        // Whatever is valid reads alike on its own, as an older journal.
        if (result.tornBytes() > 0) {
            List<JournalEntry> prefix = new ArrayList<>();
            JournalReader.Result alone = readOrNull(valid, 0, false, prefix);
            assertTrue(alone != null, "the valid prefix of a torn journal does not read on its own");
            assertEquals(entries, prefix);
        }
    }

    /**
     * A snapshot file of generation 1: only {@link FormatException} escapes; it does not decode as another
     * generation; what decodes is encoded again as the input (up to {@link Canonical}), and that decodes to an
     * equal state.
     */
    static void readSnapshot(byte[] data) {
        StoreState state;
        try {
            state = SnapshotCodec.decode(ByteBuffer.wrap(data), 1);
        } catch (FormatException refused) {
            return;
        }
        assertThrows(FormatException.class, () -> SnapshotCodec.decode(ByteBuffer.wrap(data), 2),
                "a snapshot of generation 1 decoded as generation 2");
        ByteWriter out = SnapshotCodec.encode(state, 1);
        byte[] written = Arrays.copyOf(out.array(), out.size());
        StoreState again;
        try {
            again = SnapshotCodec.decode(ByteBuffer.wrap(written), 1);
        } catch (FormatException e) {
            throw new AssertionError("our own snapshot does not decode: " + e.getMessage(), e);
        }
        assertEquals(state, again, "the re-encoded snapshot decodes to another state");
        if (!Arrays.equals(data, written)
                && !Arrays.equals(Canonical.snapshot(data), Canonical.snapshot(written))) {
            throw new AssertionError("the snapshot is written as other bytes than were read:\n read    "
                    + HEX.formatHex(data) + "\n written " + HEX.formatHex(written));
        }
    }

    /**
     * A copy of a journal with the checksum of every record its length fields still frame whole computed again,
     * so that a fuzzer's changes inside a record reach the entry decoder instead of stopping at the CRC (which a
     * fuzzer cannot forge but a crash or a disk can match by chance).
     */
    static byte[] recordChecksumsFixed(byte[] data) {
        byte[] b = data.clone();
        ByteBuffer buffer = ByteBuffer.wrap(b);
        CRC32C crc = new CRC32C();
        int at = RecordFraming.HEADER_BYTES;
        while (at + RecordFraming.FRAME_BYTES <= b.length) {
            int length = buffer.getInt(at);
            if (length <= 0 || length > b.length - at - RecordFraming.FRAME_BYTES) {
                break;
            }
            crc.reset();
            crc.update(b, at + RecordFraming.FRAME_BYTES, length);
            buffer.putInt(at + 4, (int) crc.getValue());
            at += RecordFraming.FRAME_BYTES + length;
        }
        return b;
    }

    /** A copy of a snapshot with its trailing checksum computed again (see {@link #recordChecksumsFixed}). */
    static byte[] snapshotChecksumFixed(byte[] data) {
        byte[] b = data.clone();
        if (b.length >= 4) {
            CRC32C crc = new CRC32C();
            crc.update(b, 0, b.length - 4);
            ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        }
        return b;
    }

    private static JournalReader.Result readOrNull(byte[] data, long generation, boolean mayBeTorn,
            List<JournalEntry> sink) {
        try {
            return JournalReader.read(ByteBuffer.wrap(data), generation, mayBeTorn, sink::add);
        } catch (FormatException refused) {
            sink.clear();
            return null;
        }
    }

    /** The record bodies of a journal that reads whole. */
    private static List<byte[]> bodies(byte[] journal) {
        List<byte[]> bodies = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(journal);
        in.position(RecordFraming.HEADER_BYTES);
        while (in.hasRemaining()) {
            int length = in.getInt();
            in.getInt();
            byte[] body = new byte[length];
            in.get(body);
            bodies.add(body);
        }
        return bodies;
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes of a record body or snapshot with the two spellings the readers accept beside ours levelled: tags
     * sorted and each listed once, onion host names as {@code TransportAddress} normalises them. Walks the format
     * on its own (it does not call the codecs), copying every other byte as it is; applied only to bytes the
     * codec accepted, so a walk that does not fit them is a finding too.
     */
    static final class Canonical {
        private final ByteBuffer in;
        private final ByteWriter out = new ByteWriter(256);

        private Canonical(byte[] bytes, int length) {
            in = ByteBuffer.wrap(bytes, 0, length);
        }

        /** An entry's body (type byte and values). */
        static byte[] entry(byte[] body) {
            Canonical c = new Canonical(body, body.length);
            try {
                int type = c.copyByte();
                switch (type) {
                    case EntryCodec.ANNOUNCED -> {
                        c.copy(1);
                        c.peer();
                    }
                    case EntryCodec.EXPIRED -> c.copy(12);
                    case EntryCodec.TORRENT_PUT -> c.record();
                    case EntryCodec.TORRENT_REMOVED -> c.infoHash();
                    case EntryCodec.APPLIED -> c.change();
                    default -> throw new AssertionError("entry type " + type + " was read");
                }
                return c.end();
            } catch (BufferUnderflowException | NegativeArraySizeException e) {
                throw new AssertionError("a record that was read does not fit the format: " + HEX.formatHex(body), e);
            }
        }

        /** A whole snapshot, its checksum left out. */
        static byte[] snapshot(byte[] bytes) {
            Canonical c = new Canonical(bytes, bytes.length - 4);
            try {
                c.copy(4 + 4 + 8 + 8 + 8);
                int torrents = c.copyInt();
                for (int t = 0; t < torrents; t++) {
                    c.infoHash();
                    if (c.copyByte() == 1) {
                        c.record();
                    }
                    c.copy(8);
                    int peers = c.copyInt();
                    for (int p = 0; p < peers; p++) {
                        c.peer();
                    }
                }
                int changes = c.copyInt();
                for (int i = 0; i < changes; i++) {
                    c.change();
                }
                return c.end();
            } catch (BufferUnderflowException | NegativeArraySizeException e) {
                throw new AssertionError("a snapshot that was read does not fit the format: " + HEX.formatHex(bytes),
                        e);
            }
        }

        private byte[] end() {
            if (in.hasRemaining()) {
                throw new AssertionError(in.remaining() + " bytes left after a walk of what was read");
            }
            return Arrays.copyOf(out.array(), out.size());
        }

        private void copy(int n) {
            byte[] b = new byte[n];
            in.get(b);
            out.putBytes(b);
        }

        private int copyByte() {
            int b = in.get() & 0xFF;
            out.putByte(b);
            return b;
        }

        private int copyInt() {
            int v = in.getInt();
            out.putInt(v);
            return v;
        }

        private String readString() {
            byte[] b = new byte[in.getInt()];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private void string() {
            copy(copyInt());
        }

        private void infoHash() {
            copy(copyByte());
        }

        private void instant() {
            copy(12);
        }

        private void peer() {
            infoHash();
            copy(20);
            out.putString(host(readString()));
            copy(4 + 8 + 8 + 8);
            instant();
        }

        /** What {@code TransportAddress} makes of a host: onion names normalised, anything else kept. */
        private static String host(String host) {
            String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            String lower = name.toLowerCase(Locale.ROOT);
            return lower.endsWith(".onion") || lower.equals("onion") ? lower.trim() : host;
        }

        private void record() {
            infoHash();
            string();
            string();
            int count = in.getInt();
            TreeSet<String> tags = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                tags.add(readString());
            }
            out.putInt(tags.size());
            tags.forEach(out::putString);
            copy(8);
            int files = copyInt();
            for (int i = 0; i < files; i++) {
                string();
            }
            copy(1);
            instant();
        }

        private void change() {
            copy(8 + 1);
            infoHash();
            if (copyByte() == 1) {
                peer();
            }
            if (copyByte() == 1) {
                record();
            }
        }
    }
}
