package org.veilswarm.tracker.store.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.veilswarm.tracker.store.journal.ByteReader.FormatException;

/**
 * How entries sit in a journal file: each is {@code length (4 bytes) | CRC-32C of the body (4) | body}, the body
 * being {@link EntryCodec}'s type byte and values; a file starts with a 16-byte header (magic {@code VSJ1},
 * format version, generation). The checksum tells a record cut short or damaged by a crash from a good one;
 * the length lets a reader step over records without decoding them.
 */
final class RecordFraming {
    static final byte[] JOURNAL_MAGIC = {'V', 'S', 'J', '1'};
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 16;
    static final int FRAME_BYTES = 8;
    /** Longest body accepted: a record with thousands of file names fits many times over. */
    static final int MAX_BODY = 16 << 20;

    private RecordFraming() {
    }

    /** Appends one framed entry. */
    static void append(ByteWriter out, JournalEntry entry, CRC32C crc) {
        int start = out.size();
        out.putInt(0);
        out.putInt(0);
        EntryCodec.encode(out, entry);
        int length = out.size() - start - FRAME_BYTES;
        crc.reset();
        crc.update(out.array(), start + FRAME_BYTES, length);
        out.setInt(start, length);
        out.setInt(start + 4, (int) crc.getValue());
    }

    /** A journal file's header. */
    static byte[] header(long generation) {
        ByteWriter out = new ByteWriter(HEADER_BYTES);
        out.putBytes(JOURNAL_MAGIC);
        out.putInt(FORMAT_VERSION);
        out.putLong(generation);
        return java.util.Arrays.copyOf(out.array(), out.size());
    }

    /** Checks a header read from the file of {@code generation}. */
    static void checkHeader(ByteBuffer bytes, long generation) throws FormatException {
        byte[] magic = new byte[4];
        bytes.get(magic);
        if (!java.util.Arrays.equals(magic, JOURNAL_MAGIC)) {
            throw new FormatException("not a Veilswarm tracker journal (no VSJ1 header)");
        }
        int version = bytes.getInt();
        if (version != FORMAT_VERSION) {
            throw new FormatException("journal format " + version + " (this version reads " + FORMAT_VERSION
                    + "; written by a newer Veilswarm?)");
        }
        long written = bytes.getLong();
        if (written != generation) {
            throw new FormatException("the header says generation " + written + " but the file name says "
                    + generation);
        }
    }
}
