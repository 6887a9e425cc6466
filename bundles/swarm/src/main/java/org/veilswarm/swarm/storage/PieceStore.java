package org.veilswarm.swarm.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoException;

/**
 * The pieces of one v2 torrent on disk.
 *
 * <p>BEP 52 aligns every file to a piece boundary, so a piece is a byte range of exactly one file and
 * is written at {@code localIndex × pieceLength} in it; the pad files of a hybrid's v1 part are never
 * written. Blocks are buffered in memory until their piece is complete; the piece is then checked
 * against its piece-layer hash (or the file's pieces root) by {@link Metainfo#verifyPiece}, written,
 * forced, and only then marked verified. {@link #readBlock} serves verified pieces only.
 *
 * <p>Resume data ({@code <state dir>/<v2 info-hash hex>.resume}) is rewritten atomically after every
 * {@link StorageOptions#checkpointEveryPieces()} verified pieces and on {@link #close()}. Methods are
 * synchronized: the engine may call from several threads, hashing happens under the lock.
 */
public final class PieceStore implements AutoCloseable {

    private static final int BLOCK = 16 * 1024;

    private final Metainfo metainfo;
    private final InfoDictionary info;
    private final Path resumeFile;
    private final StorageOptions options;
    private final List<FileEntry> files;
    private final List<Path> paths;
    private final StorageFile[] open;
    private final Map<FileEntry, Integer> fileIndexes = new IdentityHashMap<>();
    private final BitSet verified = new BitSet();
    private final BitSet uncommitted = new BitSet();
    /** Pieces a running {@link #commit()} is forcing: written, not yet verified. */
    private final BitSet committing = new BitSet();
    private final Object commitLock = new Object();
    /** Guards resume file writes (a leaf lock) and the order of the snapshots written. */
    private final Object resumeLock = new Object();
    private long snapshotsTaken;
    private long snapshotWritten = -1;
    private final BitSet dirtyFiles = new BitSet();
    private final Map<Integer, PieceBuffer> buffers = new HashMap<>();
    private OpenReport report;
    private int sinceCheckpoint;
    private StorageState state = StorageState.OPEN;
    private String failureReason = "";

    private static final class PieceBuffer {
        final byte[] data;
        final BitSet received = new BitSet();

        PieceBuffer(int size) {
            data = new byte[size];
        }
    }

    private PieceStore(Metainfo metainfo, Path resumeFile, StorageOptions options, List<Path> paths) {
        this.metainfo = metainfo;
        this.info = metainfo.info();
        this.resumeFile = resumeFile;
        this.options = options;
        this.files = info.files();
        this.paths = paths;
        this.open = new StorageFile[files.size()];
        for (int i = 0; i < files.size(); i++) {
            fileIndexes.put(files.get(i), i);
        }
    }

    /**
     * Opens (creating as needed) the files of {@code metainfo} below {@code downloadDir} and decides which
     * pieces are verified: those listed by intact resume data whose files are unchanged are trusted; the
     * pieces of changed files are hashed again; without usable resume data every piece on disk is hashed.
     */
    public static PieceStore open(Metainfo metainfo, Path downloadDir, Path stateDir, StorageOptions options)
            throws StorageException {
        Objects.requireNonNull(metainfo, "metainfo");
        Objects.requireNonNull(options, "options");
        InfoDictionary info = metainfo.info();
        Path base = downloadDir.toAbsolutePath().normalize();
        List<Path> paths = new ArrayList<>();
        for (FileEntry f : info.files()) {
            try {
                paths.add(info.resolveUnder(f, base));
            } catch (MetainfoException e) {
                throw new StorageException("unsafe path in torrent: " + e.getMessage(), e);
            }
        }
        Path resume = stateDir.toAbsolutePath().normalize().resolve(info.infoHashes().v2().hex() + ".resume");
        PieceStore store = new PieceStore(metainfo, resume, options, paths);
        try {
            store.start(base);
        } catch (IOException | RuntimeException e) {
            store.fail("opening storage: " + describe(e));
            store.closeFiles();
            throw new StorageException(store.failureReason, e);
        }
        return store;
    }

    private void start(Path base) throws IOException {
        Files.createDirectories(resumeFile.getParent());
        Files.createDirectories(base);
        List<FileStamp> before = new ArrayList<>();
        for (Path p : paths) {
            before.add(stamp(p));
        }
        Optional<ResumeData> resume = Optional.empty();
        String problem = "";
        try {
            resume = Optional.of(readResume());
        } catch (NoSuchFileException e) {
            problem = "no resume file";
        } catch (IOException e) {
            problem = describe(e);
        }
        for (int i = 0; i < files.size(); i++) {
            open[i] = openSafely(base, paths.get(i), files.get(i).length());
        }
        int trusted = 0;
        int hashed = 0;
        for (int i = 0; i < files.size(); i++) {
            FileEntry f = files.get(i);
            if (f.pieceCount() == 0) {
                continue;
            }
            boolean unchanged = resume.isPresent() && resume.get().files().get(i).equals(before.get(i))
                    && before.get(i).size() >= 0;
            for (int p = f.firstPiece(); p < f.firstPiece() + f.pieceCount(); p++) {
                if (unchanged) {
                    if (resume.get().verified().get(p)) {
                        verified.set(p);
                        trusted++;
                    }
                } else if (before.get(i).size() > 0) { // a file created just now holds nothing to hash
                    hashed++;
                    if (metainfo.verifyPiece(p, readPiece(p))) {
                        verified.set(p);
                    }
                }
            }
        }
        report = new OpenReport(resume.isPresent(), problem, trusted, hashed, verified.cardinality());
        checkpoint(); // our own pre-allocation changed the stamps
    }

    private ResumeData readResume() throws IOException {
        if (Files.isSymbolicLink(resumeFile)) {
            throw new StorageException("resume file is a symbolic link");
        }
        ResumeData data = ResumeData.decode(Files.readAllBytes(resumeFile));
        if (!Arrays.equals(data.infoHash(), info.infoHashes().v2().bytes())) {
            throw new StorageException("resume file is for another torrent");
        }
        if (data.pieceCount() != info.pieceCount() || data.files().size() != files.size()) {
            throw new StorageException("resume file does not match the torrent's pieces and files");
        }
        return data;
    }

    /**
     * Creates the directories below {@code base} one component at a time, refusing any component that
     * is a symbolic link (a link planted in the download directory must not redirect our writes), and
     * opens the file without following a link; then extends it sparsely to its length.
     */
    private StorageFile openSafely(Path base, Path file, long length) throws IOException {
        Path current = base;
        Path relative = base.relativize(file);
        for (int c = 0; c < relative.getNameCount(); c++) {
            current = current.resolve(relative.getName(c));
            if (Files.isSymbolicLink(current)) {
                throw new StorageException(current + " is a symbolic link; refusing to follow it");
            }
            boolean last = c == relative.getNameCount() - 1;
            if (!last && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
                syncDirectory(current.getParent());
            }
        }
        boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        StorageFile f;
        try {
            f = options.fileAccess().open(file);
        } catch (IOException e) {
            throw new StorageException("cannot open " + file + ": " + describe(e), e);
        }
        if (created) {
            syncDirectory(file.getParent()); // the new name survives a power loss, not just a kill
        }
        if (f.size() < length) {
            // One byte at the end: the file system allocates no blocks for the hole (sparse).
            f.write(ByteBuffer.wrap(new byte[1]), length - 1);
            f.force();
        }
        return f;
    }

    // --- writing --------------------------------------------------------------------------------------

    /**
     * Buffers one block; when it completes its piece, verifies, writes and forces the piece. A block at
     * the end of a file's last piece may come zero-padded to 16 KiB (libtorrent's implicit tail pad,
     * docs/protocols/peer-wire.md); the padding must be zeros and is dropped.
     *
     * @throws IllegalArgumentException a block that does not fit the piece (a peer's protocol error)
     * @throws StorageException         writing failed; the store is FAILED from now on
     */
    public synchronized BlockResult writeBlock(int piece, int offset, byte[] block) throws StorageException {
        return write(piece, offset, block, true);
    }

    /**
     * Group commit: like {@link #writeBlock}, but a completed piece that verifies is written without being
     * forced and comes back as {@link BlockResult#PIECE_WRITTEN}. It is not verified yet (not readable, not
     * in resume data) until {@link #commit()} forces every file written since the last commit, marks the
     * pieces verified and writes resume data once for all of them: one fsync round per batch instead of
     * several per piece, with the same guarantee that "verified" means durable.
     */
    public synchronized BlockResult writeBlockUncommitted(int piece, int offset, byte[] block) throws StorageException {
        return write(piece, offset, block, false);
    }

    /**
     * Makes the pieces written by {@link #writeBlockUncommitted} since the last commit durable and
     * verified, and writes resume data.
     *
     * @return the pieces verified by this commit (empty when there were none)
     */
    public BitSet commit() throws StorageException {
        synchronized (commitLock) { // one commit at a time; lock order is always commitLock, then this
            BitSet batch;
            List<StorageFile> toForce = new ArrayList<>();
            List<Path> names = new ArrayList<>();
            synchronized (this) {
                requireOpen();
                if (uncommitted.isEmpty()) {
                    return new BitSet();
                }
                batch = (BitSet) uncommitted.clone();
                committing.or(batch);
                uncommitted.clear();
                for (int i = dirtyFiles.nextSetBit(0); i >= 0; i = dirtyFiles.nextSetBit(i + 1)) {
                    toForce.add(open[i]);
                    names.add(paths.get(i));
                }
                dirtyFiles.clear();
            }
            // Forcing runs without the store's lock: writes of the next batch go on meanwhile (what they
            // write after this force is not covered by it, and they are not announced by this commit).
            for (int i = 0; i < toForce.size(); i++) {
                try {
                    toForce.get(i).force();
                } catch (IOException e) {
                    synchronized (this) {
                        fail("forcing written pieces: " + names.get(i) + ": " + describe(e));
                        throw new StorageException(failureReason, e);
                    }
                }
            }
            Snapshot snapshot;
            synchronized (this) {
                requireOpen();
                committing.andNot(batch);
                verified.or(batch);
                snapshot = snapshot();
            }
            writeResume(snapshot);
            return batch;
        }
    }

    /** Pieces written and verified but waiting for {@link #commit()}. */
    public synchronized int uncommittedPieces() {
        return uncommitted.cardinality();
    }

    private BlockResult write(int piece, int offset, byte[] block, boolean durableNow) throws StorageException {
        requireOpen();
        int size = pieceSize(piece);
        int length = acceptedLength(piece, offset, block.length, size);
        for (int i = length; i < block.length; i++) {
            if (block[i] != 0) {
                throw new IllegalArgumentException("tail padding of piece " + piece + " is not zeros");
            }
        }
        if (verified.get(piece) || uncommitted.get(piece) || committing.get(piece)) {
            return BlockResult.ALREADY_VERIFIED;
        }
        PieceBuffer buffer = buffers.computeIfAbsent(piece, p -> new PieceBuffer(size));
        int index = offset / BLOCK;
        if (buffer.received.get(index)) {
            return BlockResult.DUPLICATE_BLOCK;
        }
        System.arraycopy(block, 0, buffer.data, offset, length);
        buffer.received.set(index);
        if (buffer.received.cardinality() < (size + BLOCK - 1) / BLOCK) {
            return BlockResult.BUFFERED;
        }
        buffers.remove(piece);
        if (!metainfo.verifyPiece(piece, buffer.data)) {
            return BlockResult.PIECE_HASH_FAILED;
        }
        try {
            writePiece(piece, buffer.data, durableNow);
            if (!durableNow) {
                uncommitted.set(piece);
                dirtyFiles.set(fileIndex(piece));
                return BlockResult.PIECE_WRITTEN;
            }
            verified.set(piece); // only now: verified AND durable
            if (++sinceCheckpoint >= options.checkpointEveryPieces()) {
                checkpoint();
            }
        } catch (IOException e) {
            fail("writing piece " + piece + ": " + describe(e));
            throw new StorageException(failureReason, e);
        }
        return BlockResult.PIECE_VERIFIED;
    }

    private void writePiece(int piece, byte[] data, boolean force) throws IOException {
        int fileIndex = fileIndex(piece);
        FileEntry f = files.get(fileIndex);
        long position = (long) (piece - f.firstPiece()) * info.pieceLength();
        ByteBuffer src = ByteBuffer.wrap(data);
        StorageFile file = open[fileIndex];
        try {
            while (src.hasRemaining()) {
                file.write(src, position + src.position());
            }
            if (force) {
                file.force();
            }
        } catch (IOException e) {
            throw new IOException(paths.get(fileIndex) + ": " + describe(e), e);
        }
    }

    // --- reading --------------------------------------------------------------------------------------

    /**
     * A block of a verified piece; empty when the piece is not verified (never unverified bytes). A
     * request for the last block of a file's last piece may ask for the whole 16 KiB: the bytes past
     * the file are zeros (BEP 52 leaves are padded, and libtorrent asks so).
     */
    public synchronized Optional<byte[]> readBlock(int piece, int offset, int length) throws StorageException {
        requireOpen();
        int size = pieceSize(piece);
        int real = acceptedLength(piece, offset, length, size);
        if (!verified.get(piece)) {
            return Optional.empty();
        }
        int fileIndex = fileIndex(piece);
        FileEntry f = files.get(fileIndex);
        long position = (long) (piece - f.firstPiece()) * info.pieceLength() + offset;
        byte[] out = new byte[length];
        try {
            readFully(open[fileIndex], ByteBuffer.wrap(out, 0, real), position);
        } catch (IOException e) {
            fail("reading piece " + piece + ": " + describe(e));
            throw new StorageException(failureReason, e);
        }
        return Optional.of(out);
    }

    private byte[] readPiece(int piece) throws IOException {
        int fileIndex = fileIndex(piece);
        FileEntry f = files.get(fileIndex);
        byte[] data = new byte[pieceSize(piece)];
        long position = (long) (piece - f.firstPiece()) * info.pieceLength();
        if (!readFully(open[fileIndex], ByteBuffer.wrap(data), position)) {
            return new byte[0]; // the file is shorter than the piece: it cannot verify
        }
        return data;
    }

    private static boolean readFully(StorageFile file, ByteBuffer dst, long position) throws IOException {
        long start = position - dst.position();
        while (dst.hasRemaining()) {
            if (file.read(dst, start + dst.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The number of real bytes in a block at {@code offset} of {@code length}; the rest is tail padding. */
    private int acceptedLength(int piece, int offset, int length, int size) {
        if (offset < 0 || offset % BLOCK != 0 || offset >= size || length <= 0 || length > BLOCK) {
            throw new IllegalArgumentException("block at offset " + offset + " of length " + length
                    + " does not fit piece " + piece + " of " + size + " bytes");
        }
        int real = Math.min(BLOCK, size - offset);
        FileEntry f = files.get(fileIndex(piece));
        boolean fileTail = piece == f.firstPiece() + f.pieceCount() - 1 && offset + real == size;
        if (length == real || (fileTail && length == BLOCK)) {
            return real;
        }
        throw new IllegalArgumentException("block at offset " + offset + " of piece " + piece + " must be "
                + real + " bytes" + (fileTail ? " (or " + BLOCK + " zero-padded)" : "") + ", not " + length);
    }

    // --- state ----------------------------------------------------------------------------------------

    public synchronized boolean isVerified(int piece) {
        checkPiece(piece);
        return verified.get(piece);
    }

    public synchronized BitSet verifiedPieces() {
        return (BitSet) verified.clone();
    }

    public synchronized boolean isComplete() {
        return verified.cardinality() == info.pieceCount();
    }

    public synchronized StorageState state() {
        return state;
    }

    /** Why the store failed; empty while it has not. */
    public synchronized Optional<String> failureReason() {
        return state == StorageState.FAILED ? Optional.of(failureReason) : Optional.empty();
    }

    public OpenReport openReport() {
        return report;
    }

    public Path resumeFile() {
        return resumeFile;
    }

    /** Writes resume data now (also done automatically; see {@link StorageOptions}). */
    public synchronized void checkpoint() throws StorageException {
        requireOpen();
        writeResume(snapshot());
    }

    /** What resume data would say now, numbered so an older snapshot is never written over a newer one. */
    private record Snapshot(long sequence, ResumeData data, IOException problem) {
    }

    /** Called with the store's lock held. */
    private Snapshot snapshot() {
        long sequence = snapshotsTaken++;
        try {
            List<FileStamp> stamps = new ArrayList<>();
            for (Path p : paths) {
                stamps.add(stamp(p));
            }
            return new Snapshot(sequence, new ResumeData(info.infoHashes().v2().bytes(), info.pieceCount(), verified,
                    stamps), null);
        } catch (IOException e) {
            return new Snapshot(sequence, null, e);
        }
    }

    private void writeResume(Snapshot snapshot) throws StorageException {
        try {
            if (snapshot.problem() != null) {
                throw snapshot.problem();
            }
            synchronized (resumeLock) {
                if (snapshot.sequence() > snapshotWritten) {
                    writeAtomically(resumeFile, snapshot.data().encode());
                    snapshotWritten = snapshot.sequence();
                }
            }
            synchronized (this) {
                sinceCheckpoint = 0;
            }
        } catch (IOException e) {
            synchronized (this) {
                fail("writing resume data: " + describe(e));
                throw new StorageException(failureReason, e);
            }
        }
    }

    /** Writes resume data (unless the store failed) and closes the files. */
    @Override
    public void close() throws StorageException {
        synchronized (commitLock) {
            synchronized (this) {
                if (state == StorageState.CLOSED) {
                    return;
                }
            }
            try {
                if (state() == StorageState.OPEN) {
                    commit();
                }
            } finally {
                synchronized (this) {
                    try {
                        if (state == StorageState.OPEN) {
                            checkpoint();
                        }
                    } finally {
                        closeFiles();
                        if (state == StorageState.OPEN) {
                            state = StorageState.CLOSED;
                        }
                    }
                }
            }
        }
    }

    // --- internals ------------------------------------------------------------------------------------

    /** temp file, fsync, atomic rename, fsync of the directory: the old or the new file survives a crash. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer src = ByteBuffer.wrap(bytes);
            while (src.hasRemaining()) {
                ch.write(src);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new StorageException("the state directory does not support atomic rename: " + target.getParent(), e);
        }
        syncDirectory(target.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for fsync; renames and creations stay atomic there.
        }
    }

    private static FileStamp stamp(Path p) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new FileStamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        } catch (NoSuchFileException e) {
            return FileStamp.MISSING;
        }
    }

    private void fail(String reason) {
        if (state != StorageState.FAILED) {
            state = StorageState.FAILED;
            failureReason = reason;
            buffers.clear();
        }
    }

    private void requireOpen() throws StorageException {
        if (state == StorageState.FAILED) {
            throw new StorageException("storage of " + info.name() + " failed: " + failureReason);
        }
        if (state == StorageState.CLOSED) {
            throw new StorageException("storage of " + info.name() + " is closed");
        }
    }

    private void closeFiles() {
        for (int i = 0; i < open.length; i++) {
            if (open[i] != null) {
                try {
                    open[i].close();
                } catch (IOException e) {
                    // Data that mattered was forced already; nothing more to save.
                }
                open[i] = null;
            }
        }
    }

    private int fileIndex(int piece) {
        return fileIndexes.get(info.fileAtPiece(piece)); // fileAtPiece returns the instances of files()
    }

    private int pieceSize(int piece) {
        checkPiece(piece);
        FileEntry f = info.fileAtPiece(piece);
        return f.pieceSize(piece - f.firstPiece(), info.pieceLength());
    }

    private void checkPiece(int piece) {
        if (piece < 0 || piece >= info.pieceCount()) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + info.pieceCount());
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied" + (m == null ? "" : " (" + m + ")");
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
