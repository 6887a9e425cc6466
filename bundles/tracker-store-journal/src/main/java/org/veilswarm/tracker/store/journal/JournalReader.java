package org.veilswarm.tracker.store.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.veilswarm.tracker.store.journal.ByteReader.FormatException;

/**
 * Reads a journal file's entries in order. A journal may end in a record cut short or garbled by a crash in the
 * middle of a write (the last write's bytes, or zeros a file system left after a power loss): that tail is
 * reported as {@link Result#tornBytes()}, and the entries before it are good. Anything else that does not read —
 * a wrong header, a record whose checksum fails with good records after it, a checksummed record that does not
 * decode — is damage the journal cannot explain, and fails with {@link FormatException} naming the offset, so that
 * nothing after it is thrown away without the operator seeing it.
 */
final class JournalReader {

    /** What was read. */
    record Result(int entries, long validBytes, long tornBytes, String tornReason) {
    }

    /** Receives entries in order. */
    interface Sink {
        void accept(JournalEntry entry) throws FormatException;
    }

    private JournalReader() {
    }

    /**
     * Reads {@code bytes}, a whole journal file of {@code generation}.
     *
     * @param mayBeTorn whether this is the newest journal, the only one a crash can have cut short; in an older
     *        one every byte must read
     */
    static Result read(ByteBuffer bytes, long generation, boolean mayBeTorn, Sink sink) throws FormatException {
        int size = bytes.remaining();
        int base = bytes.position();
        if (size < RecordFraming.HEADER_BYTES) {
            if (mayBeTorn && allZeroOrPrefixOfHeader(bytes, generation)) {
                return new Result(0, 0, size, "a header cut short");
            }
            throw new FormatException("at offset 0: not a Veilswarm tracker journal (" + size + " bytes)");
        }
        if (mayBeTorn && zerosFrom(bytes, base, base + size)) {
            // A file system can keep a file's length but not its data after a power loss.
            return new Result(0, 0, size, "zeros where the header would be");
        }
        try {
            RecordFraming.checkHeader(bytes.duplicate(), generation);
        } catch (FormatException e) {
            throw new FormatException("at offset 0: " + e.getMessage());
        }
        CRC32C crc = new CRC32C();
        int at = RecordFraming.HEADER_BYTES;
        int entries = 0;
        while (at < size) {
            int left = size - at;
            String torn = null;
            if (left < RecordFraming.FRAME_BYTES) {
                torn = "a record header cut short";
            } else {
                int length = bytes.getInt(base + at);
                int checksum = bytes.getInt(base + at + 4);
                if (length <= 0 || length > RecordFraming.MAX_BODY) {
                    if (zerosFrom(bytes, base + at, base + size)) {
                        torn = "zeros where a record would be";
                    } else {
                        throw new FormatException("at offset " + at + ": record length " + length
                                + " out of range");
                    }
                } else if (length > left - RecordFraming.FRAME_BYTES) {
                    torn = "a record cut short (" + length + " bytes announced, "
                            + (left - RecordFraming.FRAME_BYTES) + " there)";
                } else {
                    ByteBuffer body = bytes.duplicate();
                    body.position(base + at + RecordFraming.FRAME_BYTES);
                    body.limit(base + at + RecordFraming.FRAME_BYTES + length);
                    crc.reset();
                    crc.update(body.duplicate());
                    if ((int) crc.getValue() != checksum) {
                        if (at + RecordFraming.FRAME_BYTES + length == size) {
                            torn = "the last record's checksum fails";
                        } else {
                            throw new FormatException("at offset " + at + ": the record's checksum fails and "
                                    + (size - at - RecordFraming.FRAME_BYTES - length) + " bytes follow it");
                        }
                    } else {
                        JournalEntry entry;
                        try {
                            entry = EntryCodec.decode(new ByteReader(body));
                        } catch (FormatException e) {
                            throw new FormatException("at offset " + at + ": " + e.getMessage());
                        }
                        try {
                            sink.accept(entry);
                        } catch (FormatException e) {
                            throw new FormatException("at offset " + at + ": " + e.getMessage());
                        }
                        entries++;
                        at += RecordFraming.FRAME_BYTES + length;
                        continue;
                    }
                }
            }
            if (!mayBeTorn) {
                throw new FormatException("at offset " + at + ": " + torn + " in a journal that is not the newest");
            }
            return new Result(entries, at, size - at, torn);
        }
        return new Result(entries, size, 0, null);
    }

    private static boolean zerosFrom(ByteBuffer bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** A file shorter than a header that is a start of this generation's header, or zeros. */
    private static boolean allZeroOrPrefixOfHeader(ByteBuffer bytes, long generation) {
        byte[] header = RecordFraming.header(generation);
        int base = bytes.position();
        boolean prefix = true;
        for (int i = 0; i < bytes.remaining(); i++) {
            prefix &= bytes.get(base + i) == header[i];
        }
        return prefix || zerosFrom(bytes, base, base + bytes.remaining());
    }
}
