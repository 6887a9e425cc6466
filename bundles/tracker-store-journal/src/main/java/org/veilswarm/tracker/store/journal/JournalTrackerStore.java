package org.veilswarm.tracker.store.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.store.journal.ByteReader.FormatException;
import org.veilswarm.tracker.store.journal.JournalEntry.Announced;
import org.veilswarm.tracker.store.journal.JournalEntry.Applied;
import org.veilswarm.tracker.store.journal.JournalEntry.Expired;
import org.veilswarm.tracker.store.journal.JournalEntry.TorrentPut;
import org.veilswarm.tracker.store.journal.JournalEntry.TorrentRemoved;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.tracker.store.memory.StoreState;
import org.veilswarm.tracker.store.memory.StoreFullException;

/**
 * A {@link TrackerStore} that answers from memory and keeps what it holds on disk: an append-only journal of the
 * calls that changed it, folded now and then into a snapshot. Opening the directory again (a restart of the node,
 * an update of the bundle) gives back every record, peer, completed counter and the change feed with its
 * sequence numbers.
 *
 * <p><b>The view.</b> A {@link MemoryTrackerStore} answers every call, so announces cost what they cost there
 * plus encoding one journal record (about a hundred bytes) under this store's lock, which is what orders the
 * journal exactly as the view's mutations. Replaying the calls on the state they were made on gives the same
 * state: only the peers an announce samples for its answer are random, and they are not part of the state.
 *
 * <p><b>Files</b> ({@code directory}): {@code snapshot-G.bin} is the state after every journal of a generation
 * before G; {@code journal-G.log}, {@code journal-G+1.log}, ... the calls after it, in order. Opening loads the
 * newest snapshot and replays the journals from its generation on. Compaction (once the journal is longer than
 * {@link JournalSettings#compactAfterBytes()} and the last snapshot) takes the state and the calls not yet
 * written in one moment under the lock, finishes the current journal with those calls, writes snapshot G+1 under
 * a temporary name, renames it, starts journal G+1 and then deletes generation G: a crash at any point leaves
 * either the old snapshot with its journals or the new one, never a state with calls missing or applied twice.
 *
 * <p><b>Durability.</b> Announces are answered at once and written by a flusher thread within
 * {@link JournalSettings#flushInterval()} (one {@code write} and one {@code fdatasync} per interval), as the JDBC
 * store's write-behind does: a crash loses at most that interval's announces, whose peers re-announce. Records
 * ({@link #putTorrent}, {@link #removeTorrent}), replicated changes ({@link #apply}) and expiry return only once
 * they are on disk, and reading the feed ({@link #headSequence}, {@link #changesSince}) writes first, so that no
 * mirror ever sees a change a crash could take back. A call that throws {@link JournalException} because the disk
 * failed has still changed the view and is written by the next flush that succeeds.
 *
 * <p><b>Damage.</b> Every record carries a CRC-32C. A journal that ends in a record cut short by a crash is cut
 * back to its last whole record at open (the cut bytes are kept beside it, {@code journal-G.log.torn-OFFSET}, and
 * a warning says so); any other damage fails the open with the file and offset, and no file is changed.
 */
public class JournalTrackerStore implements TrackerStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalTrackerStore.class);
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{1,18})\\.bin");
    private static final Pattern JOURNAL = Pattern.compile("journal-(\\d{1,18})\\.log");
    /** The file a store locks while it has the directory open. */
    static final String LOCK_FILE = "lock";
    /** Past this many unwritten bytes the flusher is woken at once instead of at its interval. */
    private static final int EARLY_FLUSH_BYTES = 1 << 20;

    private final JournalSettings settings;
    private final MemoryTrackerStore view;
    /** Orders the view's mutations with their journal records; guards {@link #pending}. */
    private final Object lock = new Object();
    /** One writer of the files at a time; guards the file state below. */
    private final Object ioLock = new Object();
    private final CRC32C crc = new CRC32C();
    private final ScheduledThreadPoolExecutor flusher;

    private ByteWriter pending = new ByteWriter(4096);
    private boolean flushScheduled;
    private boolean earlyFlushScheduled;
    private volatile boolean closed;
    /** The last write failure, until a write succeeds; announces are refused once too much waits. */
    private volatile IOException writeFailure;

    private ByteWriter spare = new ByteWriter(4096);
    /** Held while the store is open: a second store on the same directory, in this JVM or another, is refused. */
    private FileChannel lockFile;
    private FileChannel journal;
    private long generation;
    private long journalBytes;
    private long snapshotBytes;

    /** Opens (or creates) the store in {@code settings.directory()}. */
    public JournalTrackerStore(JournalSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.view = new MemoryTrackerStore(settings.limits());
        try {
            lock();
            open();
        } catch (IOException e) {
            unlock();
            throw new JournalException("cannot open the tracker journal in " + settings.directory() + ": " + e, e);
        } catch (RuntimeException e) {
            unlock();
            throw e;
        }
        this.flusher = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "veilswarm-tracker-journal");
            t.setDaemon(true);
            return t;
        });
        flusher.setRemoveOnCancelPolicy(true);
    }

    /** The settings this store was opened with. */
    public JournalSettings settings() {
        return settings;
    }

    // ---- opening -------------------------------------------------------------------------------------------

    /** Loads the newest snapshot and replays the journals after it. The directory exists: {@link #lock} made it. */
    private void open() throws IOException {
        Path dir = settings.directory();
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        TreeMap<Long, Path> journals = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                Matcher s = SNAPSHOT.matcher(name);
                Matcher j = JOURNAL.matcher(name);
                if (s.matches()) {
                    snapshots.put(Long.parseLong(s.group(1)), file);
                } else if (j.matches()) {
                    journals.put(Long.parseLong(j.group(1)), file);
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file); // a snapshot whose writing a crash interrupted
                }
            }
        }
        long base = snapshots.isEmpty() ? 0 : snapshots.lastKey();
        if (!snapshots.isEmpty()) {
            Path file = snapshots.lastEntry().getValue();
            StoreState state;
            try {
                state = SnapshotCodec.decode(ByteBuffer.wrap(Files.readAllBytes(file)), base);
            } catch (FormatException e) {
                throw new JournalException("tracker snapshot " + file + " cannot be read: " + e.getMessage()
                        + "; nothing was changed (move the directory away to start with an empty store)");
            }
            try {
                view.importState(state);
            } catch (StoreFullException e) {
                throw new JournalException("tracker snapshot " + file + " holds more than this store's limits allow: "
                        + e.getMessage() + " (raise maxTorrents)");
            }
            snapshotBytes = Files.size(file);
        }
        Map<Long, Path> replay = journals.tailMap(base, true);
        long expected = base;
        int[] skipped = new int[1];
        for (Map.Entry<Long, Path> entry : replay.entrySet()) {
            if (entry.getKey() != expected) {
                throw new JournalException("tracker journal " + entry.getValue() + " follows no journal or snapshot of "
                        + "generation " + expected + ": the directory " + dir + " is missing files; nothing was changed");
            }
            boolean newest = entry.getKey().equals(journals.lastKey());
            replayJournal(entry.getValue(), entry.getKey(), newest, skipped);
            expected++;
        }
        if (skipped[0] > 0) {
            LOG.warn("Tracker journal: {} recorded calls were not replayed because the store's limits are lower "
                    + "than when they were made", skipped[0]);
        }
        generation = replay.isEmpty() ? base : journals.lastKey();
        Path current = journalFile(generation);
        if (!Files.exists(current)) {
            startJournal(current, generation);
        } else {
            journal = FileChannel.open(current, StandardOpenOption.WRITE);
            journalBytes = journal.size();
            if (journalBytes < RecordFraming.HEADER_BYTES) { // a header cut short by a crash: write it again
                journal.truncate(0);
                journal.write(ByteBuffer.wrap(RecordFraming.header(generation)), 0);
                journal.force(false);
                journalBytes = RecordFraming.HEADER_BYTES;
            }
        }
        for (Map.Entry<Long, Path> old : snapshots.headMap(base, false).entrySet()) {
            Files.deleteIfExists(old.getValue());
        }
        for (Map.Entry<Long, Path> old : journals.headMap(base, false).entrySet()) {
            Files.deleteIfExists(old.getValue());
        }
    }

    /** Takes {@code directory/lock}: two stores writing one journal would interleave their records. */
    private void lock() throws IOException {
        Path dir = settings.directory();
        if (!Files.isDirectory(dir)) {
            createPrivateDirectory(dir);
        }
        lockFile = openPrivate(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock held;
        try {
            held = lockFile.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
            held = null;
        }
        if (held == null) {
            throw new JournalException("the tracker journal in " + dir + " is open in another store (this process "
                    + "or another one); a directory has one store at a time");
        }
    }

    private void unlock() {
        if (lockFile != null) {
            try {
                lockFile.close(); // releases the lock
            } catch (IOException e) {
                LOG.debug("closing the journal lock file", e);
            }
            lockFile = null;
        }
    }

    private void replayJournal(Path file, long gen, boolean newest, int[] skipped) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        JournalReader.Result result;
        try {
            result = JournalReader.read(ByteBuffer.wrap(bytes), gen, newest, entry -> {
                try {
                    replay(entry);
                } catch (StoreFullException e) {
                    skipped[0]++;
                } catch (IllegalArgumentException e) {
                    throw new FormatException("the recorded call cannot be replayed: " + e.getMessage());
                }
            });
        } catch (FormatException e) {
            throw new JournalException("tracker journal " + file + " is damaged " + e.getMessage()
                    + "; nothing was changed (move the directory away to start with an empty store)");
        }
        if (result.tornBytes() > 0) {
            Path kept = file.resolveSibling(file.getFileName() + ".torn-" + result.validBytes());
            Files.write(kept, java.util.Arrays.copyOfRange(bytes, (int) result.validBytes(), bytes.length));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(result.validBytes());
                channel.force(true);
            }
            LOG.warn("Tracker journal {} ended in {} ({} bytes, written before a crash and never acknowledged "
                    + "as durable); {} entries replayed, the cut bytes kept in {}", file, result.tornReason(),
                    result.tornBytes(), result.entries(), kept);
        }
    }

    private void replay(JournalEntry entry) {
        if (entry instanceof Announced a) {
            view.announceCompact(new Announce(a.peer(), a.event(), 0));
        } else if (entry instanceof Expired e) {
            view.expirePeers(e.cutoff());
        } else if (entry instanceof TorrentPut p) {
            view.putTorrent(p.record());
        } else if (entry instanceof TorrentRemoved r) {
            view.removeTorrent(r.infoHash());
        } else if (entry instanceof Applied a) {
            view.apply(a.change());
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException raced) {
            // another opener made it
        }
    }

    /** Opens a file that, if created, is readable by its owner only (peers' addresses are in it). */
    private static FileChannel openPrivate(Path file, StandardOpenOption... options) throws IOException {
        try {
            return FileChannel.open(file, java.util.Set.of(options),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(file, options);
        }
    }

    private Path journalFile(long gen) {
        return settings.directory().resolve("journal-" + gen + ".log");
    }

    private Path snapshotFile(long gen) {
        return settings.directory().resolve("snapshot-" + gen + ".bin");
    }

    private void startJournal(Path file, long gen) throws IOException {
        FileChannel channel = openPrivate(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            channel.write(ByteBuffer.wrap(RecordFraming.header(gen)), 0);
            channel.force(true);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        syncDirectory();
        journal = channel;
        journalBytes = RecordFraming.HEADER_BYTES;
    }

    /** Makes a new or renamed file's directory entry durable (a no-op where directories cannot be opened). */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(settings.directory(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every platform opens directories; the rename itself is still atomic.
        }
    }

    // ---- recording -----------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new JournalException("the tracker journal store is closed");
        }
    }

    /** Refuses a write while the disk has failed for longer than the pending bound allows. Under {@link #lock}. */
    private void checkRoom() {
        checkOpen();
        IOException failure = writeFailure;
        if (failure != null && pending.size() >= settings.maxPendingBytes()) {
            throw new JournalException("the tracker journal cannot be written (" + failure.getMessage() + ") and "
                    + pending.size() + " bytes wait; refusing further writes until it can", failure);
        }
    }

    /** Appends the record of a call just made on the view. Under {@link #lock}. */
    private void record(JournalEntry entry) {
        RecordFraming.append(pending, entry, crc);
        if (!flushScheduled) {
            flushScheduled = true;
            flusher.schedule(this::backgroundFlush, settings.flushInterval().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (pending.size() >= EARLY_FLUSH_BYTES && !earlyFlushScheduled) {
            earlyFlushScheduled = true;
            flusher.execute(this::backgroundFlush);
        }
    }

    private void backgroundFlush() {
        try {
            flush();
        } catch (JournalException e) {
            if (closed) {
                return;
            }
            LOG.warn("Tracker journal: {}; retrying in {} ms", e.getMessage(), settings.flushInterval().toMillis());
            synchronized (lock) {
                if (!flushScheduled) {
                    flushScheduled = true;
                    flusher.schedule(this::backgroundFlush, settings.flushInterval().toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    /**
     * Writes every recorded call to the journal (and forces it to the device with {@code fsync}), then compacts
     * if the journal has grown long enough.
     *
     * @throws JournalException if the write fails; the calls stay queued, in order, for the next attempt
     */
    public void flush() {
        synchronized (ioLock) {
            if (journal == null) {
                throw new JournalException("the tracker journal store is closed");
            }
            ByteWriter batch;
            synchronized (lock) {
                flushScheduled = false;
                earlyFlushScheduled = false;
                if (pending.size() == 0) {
                    return;
                }
                batch = pending;
                pending = spare;
                spare = null;
            }
            try {
                writeToJournal(batch);
                writeFailure = null;
                batch.reset();
                spare = batch;
            } catch (IOException e) {
                writeFailure = e;
                synchronized (lock) { // put the batch back in front of what was recorded meanwhile
                    batch.putBytes(pending.array(), 0, pending.size());
                    pending.reset();
                    spare = pending;
                    pending = batch;
                }
                throw new JournalException("writing the tracker journal " + journalFile(generation) + " failed: " + e,
                        e);
            }
            if (journalBytes > Math.max(settings.compactAfterBytes(), snapshotBytes)) {
                compact();
            }
        }
    }

    /** Appends {@code batch} at the journal's end and forces it; on failure the file is cut back. Under ioLock. */
    private void writeToJournal(ByteWriter batch) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(batch.array(), 0, batch.size());
        long at = journalBytes;
        try {
            while (buffer.hasRemaining()) {
                at += journal.write(buffer, at);
            }
            if (settings.fsync()) {
                journal.force(false);
            }
        } catch (IOException e) {
            try {
                if (!journal.isOpen()) {
                    // An interrupted writer thread closes a FileChannel for every user (ClosedByInterruptException).
                    journal = FileChannel.open(journalFile(generation), StandardOpenOption.WRITE);
                }
                journal.truncate(journalBytes); // so that the retry does not follow a half-written batch
            } catch (IOException ignored) {
                // the reader cuts a torn tail at the next open if this did not
            }
            throw e;
        }
        journalBytes = at;
    }

    /** Folds the journal into a new snapshot (see the class comment for the order of steps). Under ioLock. */
    private void compact() {
        StoreState state;
        ByteWriter tail;
        synchronized (lock) {
            state = view.exportState();
            tail = pending;
            pending = new ByteWriter(4096);
        }
        try {
            if (tail.size() > 0) {
                writeToJournal(tail);
            }
        } catch (IOException e) {
            writeFailure = e;
            synchronized (lock) {
                tail.putBytes(pending.array(), 0, pending.size());
                pending = tail;
            }
            LOG.warn("Tracker journal: compaction stopped, writing {} failed: {}", journalFile(generation), e.toString());
            return;
        }
        long next = generation + 1;
        Path target = snapshotFile(next);
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            ByteWriter encoded = SnapshotCodec.encode(state, next);
            try (FileChannel out = openPrivate(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(encoded.array(), 0, encoded.size());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
            FileChannel old = journal;
            long oldGeneration = generation;
            startJournal(journalFile(next), next);
            generation = next;
            snapshotBytes = encoded.size();
            old.close();
            Files.deleteIfExists(journalFile(oldGeneration));
            Files.deleteIfExists(snapshotFile(oldGeneration));
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // removed at the next open
            }
            LOG.warn("Tracker journal: writing snapshot {} failed ({}); the journal goes on growing", target,
                    e.toString());
        }
    }

    /** The journal's current generation (for tests and the console). */
    public long generation() {
        synchronized (ioLock) {
            return generation;
        }
    }

    // ---- TrackerStore --------------------------------------------------------------------------------------

    @Override
    public AnnounceResult announce(Announce announce) {
        return announced(announce, view::announce);
    }

    @Override
    public CompactAnnounceResult announceCompact(Announce announce) {
        return announced(announce, view::announceCompact);
    }

    /** Runs an announce on the view and records it, both under the lock that orders the journal. */
    private <T> T announced(Announce announce, java.util.function.Function<Announce, T> onView) {
        synchronized (lock) {
            checkRoom();
            T result = onView.apply(announce);
            record(new Announced(announce.peer(), announce.event()));
            return result;
        }
    }

    /** Never: answered from memory, and the flusher thread does the writing. */
    @Override
    public boolean announceMayBlock() {
        return false;
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        checkOpen();
        return view.scrape(infoHashes);
    }

    @Override
    public int expirePeers(Instant cutoff) {
        int removed;
        synchronized (lock) {
            checkRoom();
            removed = view.expirePeers(cutoff);
            if (removed > 0) {
                record(new Expired(cutoff));
            }
        }
        if (removed > 0) {
            flush();
        }
        return removed;
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        synchronized (lock) {
            checkRoom();
            view.putTorrent(record);
            record(new TorrentPut(record));
        }
        flush();
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        checkOpen();
        return view.torrent(infoHash);
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        boolean removed;
        synchronized (lock) {
            checkRoom();
            removed = view.removeTorrent(infoHash);
            if (removed) {
                record(new TorrentRemoved(infoHash));
            }
        }
        if (removed) {
            flush();
        }
        return removed;
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        checkOpen();
        return view.search(query, limit);
    }

    @Override
    public TrackerStatistics statistics() {
        checkOpen();
        return view.statistics();
    }

    /** Writes recorded changes first: a mirror never learns of a change a crash could take back. */
    @Override
    public long headSequence() {
        checkOpen();
        flush();
        return view.headSequence();
    }

    /** Writes recorded changes first (see {@link #headSequence}). */
    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        checkOpen();
        flush();
        return view.changesSince(afterSequence, max);
    }

    @Override
    public long apply(Change change) {
        long sequence;
        synchronized (lock) {
            checkRoom();
            sequence = view.apply(change);
            record(new Applied(change));
        }
        flush();
        return sequence;
    }

    /** Writes what is recorded and closes the files; later calls fail with {@link JournalException}. */
    @Override
    public void close() {
        synchronized (ioLock) {
            if (journal == null) {
                return;
            }
            try {
                flush();
            } catch (JournalException e) {
                LOG.warn("Tracker journal: the last calls could not be written at close: {}", e.getMessage());
            } finally {
                closed = true;
                flusher.shutdownNow();
                try {
                    journal.close();
                } catch (IOException e) {
                    LOG.warn("Tracker journal: closing {} failed: {}", journalFile(generation), e.toString());
                }
                journal = null;
                unlock();
            }
        }
    }
}
