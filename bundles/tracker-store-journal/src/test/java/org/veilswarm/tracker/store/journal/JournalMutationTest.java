package org.veilswarm.tracker.store.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.veilswarm.tracker.store.memory.StoreState;

/**
 * A bounded, reproducible mutation pass (a fixed seed; a failure names its input in hex, since the samples' tag
 * order, and so the bytes a round mutates, depend on the JVM's salt for {@code Set.copyOf}) over valid journals and
 * snapshots built in code like the seeds of {@link JournalFuzzTest}: bit flips, random bytes, insertions,
 * deletions, truncations, rewritten length and count fields, appended zeros and torn copies. Most mutations are
 * followed by fixing the checksums, so that they get past the CRC to the decoders. Checks
 * {@link JournalProperties} in every build; Jazzer goes further on demand.
 */
class JournalMutationTest {
    private static final int ROUNDS = 3_000;
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void mutatedJournalsReadOnlyAsTheirEntriesOrFailWithFormatException() {
        List<byte[]> corpus = List.of(JournalSamples.journal(JournalSamples.eachKind()), JournalSamples.tornJournal(),
                JournalSamples.journal(List.of()));
        Random random = new Random(0x70A_11E7L);
        run(corpus, random, JournalProperties::recordChecksumsFixed, JournalProperties::readJournal);
    }

    @Test
    void mutatedSnapshotsDecodeOnlyAsWhatIsWrittenAgainOrFailWithFormatException() {
        List<byte[]> corpus = List.of(JournalSamples.snapshot(JournalSamples.state()),
                JournalSamples.snapshot(StoreState.EMPTY));
        Random random = new Random(0x5EA_5107L);
        run(corpus, random, JournalProperties::snapshotChecksumFixed, JournalProperties::readSnapshot);
    }

    @Test
    void theSamplesThemselvesRead() {
        JournalProperties.readJournal(JournalSamples.journal(JournalSamples.eachKind()));
        JournalProperties.readJournal(JournalSamples.tornJournal());
        JournalProperties.readSnapshot(JournalSamples.snapshot(JournalSamples.state()));
    }

    /**
     * The second spellings {@link JournalProperties} levels: tags out of order and one listed twice, an onion host
     * in capitals with a leading blank and a trailing dot. They read, and are written in our spelling.
     */
    @Test
    void secondSpellingsReadAndAreWrittenInOurs() {
        ByteWriter body = new ByteWriter(256);
        body.putByte(EntryCodec.TORRENT_PUT);
        ValueCodec.putInfoHash(body, TestValues.hash(7));
        body.putString("name");
        body.putString("");
        body.putInt(3);
        body.putString("b");
        body.putString("a");
        body.putString("b");
        body.putLong(1);
        body.putInt(0);
        body.putByte(0);
        ValueCodec.putInstant(body, TestValues.T0);
        ByteWriter announce = new ByteWriter(256);
        announce.putByte(EntryCodec.ANNOUNCED);
        announce.putByte(1);
        ValueCodec.putInfoHash(announce, TestValues.hash(7));
        announce.putBytes(new byte[20]);
        announce.putString(" " + JournalSamples.ONION.toUpperCase(Locale.ROOT) + ".");
        announce.putInt(443);
        announce.putLong(0);
        announce.putLong(0);
        announce.putLong(0);
        ValueCodec.putInstant(announce, TestValues.T0);

        ByteWriter journal = new ByteWriter(512);
        journal.putBytes(RecordFraming.header(0));
        CRC32C crc = new CRC32C();
        for (ByteWriter record : List.of(body, announce)) {
            crc.reset();
            crc.update(record.array(), 0, record.size());
            journal.putInt(record.size());
            journal.putInt((int) crc.getValue());
            journal.putBytes(record.array(), 0, record.size());
        }
        byte[] bytes = Arrays.copyOf(journal.array(), journal.size());
        List<JournalEntry> entries = new ArrayList<>();
        try {
            JournalReader.read(ByteBuffer.wrap(bytes), 0, false, entries::add);
        } catch (ByteReader.FormatException e) {
            throw new AssertionError(e);
        }
        assertEquals(Set.of("a", "b"),
                ((JournalEntry.TorrentPut) entries.get(0)).record().tags());
        assertEquals(JournalSamples.ONION,
                ((JournalEntry.Announced) entries.get(1)).peer().address().host());
        assertFalse(Arrays.equals(bytes, JournalSamples.journal(entries)));
        JournalProperties.readJournal(bytes);
    }

    private static void run(List<byte[]> corpus, Random random, UnaryOperator<byte[]> fix,
            Consumer<byte[]> property) {
        for (int round = 0; round < ROUNDS; round++) {
            byte[] mutated = mutate(corpus.get(random.nextInt(corpus.size())).clone(), random);
            byte[] input = random.nextInt(4) != 0 ? fix.apply(mutated) : mutated;
            try {
                property.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("round " + round + ", input " + HEX.formatHex(input), e);
            }
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        byte[] b = in;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(9)) {
                case 0, 1 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b[at] = (byte) random.nextInt(256);
                case 3 -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
                case 4 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
                case 5 -> b = Arrays.copyOf(b, at);
                case 6 -> {
                    // A length or count field (any aligned-or-not int) made a little larger or smaller.
                    if (b.length >= 4) {
                        int where = random.nextInt(b.length - 3);
                        ByteBuffer.wrap(b).putInt(where, ByteBuffer.wrap(b).getInt(where) + random.nextInt(9) - 4);
                    }
                }
                case 7 -> b = Arrays.copyOf(b, b.length + 1 + random.nextInt(64)); // zeros a crash left
                default -> {
                    // A torn copy of a stretch of the file appended (a write the crash interrupted).
                    int length = random.nextInt(b.length - at) + 1;
                    byte[] longer = Arrays.copyOf(b, b.length + length);
                    System.arraycopy(b, at, longer, b.length, length);
                    b = longer;
                }
            }
        }
        return b;
    }
}
