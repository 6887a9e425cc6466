package org.veilswarm.metainfo;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes the files of a torrent on a bounded pool of threads. Work is split into runs of whole
 * pieces (about {@value #TASK_BYTES} bytes each), which are independent because BEP 52 aligns every
 * file to a piece boundary: each run yields its pieces' piece-layer hashes (SHA-256 merkle subtrees of
 * 16 KiB leaves) and, for hybrids, their SHA-1 piece hashes with the BEP 47 zero padding applied.
 * Memory per thread: one {@value #READ_SIZE}-byte buffer plus one piece's leaves.
 */
final class ParallelHasher {

    static final int READ_SIZE = 1 << 20;
    static final int TASK_BYTES = 4 << 20;
    /**
     * BEP 47 pad bytes, fed to SHA-1 in chunks of this size: one 16 KiB array for the life of the bundle
     * rather than a {@value #READ_SIZE}-byte one, which stayed on the heap of every node that had created a share.
     */
    private static final byte[] ZEROS = new byte[MerkleTree.BLOCK_SIZE];

    /** Hashes of one file: one 32-byte hash per piece (the root itself for files of one piece). */
    static final class FileHashes {
        final byte[] v2;
        final byte[] v1;

        FileHashes(int pieces, boolean hybrid) {
            v2 = new byte[pieces * MerkleTree.HASH_LENGTH];
            v1 = hybrid ? new byte[pieces * HashValue.SHA1_LENGTH] : null;
        }
    }

    private record Task(int file, int firstPiece, int pieces) {
    }

    private static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super(null, null, false, false);
        }
    }

    private final List<SourceFile> files;
    private final int pieceLength;
    private final boolean hybrid;
    private final int threads;
    private final HashingProgressListener listener;
    private final CancelToken cancel;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private volatile boolean failed;

    ParallelHasher(List<SourceFile> files, int pieceLength, boolean hybrid, int threads,
                   HashingProgressListener listener, CancelToken cancel) {
        this.files = files;
        this.pieceLength = pieceLength;
        this.hybrid = hybrid;
        this.threads = threads;
        this.listener = listener;
        this.cancel = cancel;
        this.total = files.stream().mapToLong(SourceFile::length).sum();
    }

    List<FileHashes> hash() throws IOException, TorrentCreationCancelledException {
        List<FileHashes> results = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        int piecesPerTask = Math.max(1, TASK_BYTES / pieceLength);
        for (int f = 0; f < files.size(); f++) {
            int pieces = (int) ((files.get(f).length() + pieceLength - 1) / pieceLength);
            results.add(new FileHashes(pieces, hybrid));
            for (int p = 0; p < pieces; p += piecesPerTask) {
                tasks.add(new Task(f, p, Math.min(piecesPerTask, pieces - p)));
            }
        }
        AtomicInteger next = new AtomicInteger();
        int workers = Math.max(1, Math.min(threads, tasks.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "metainfo-hasher");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    Worker worker = new Worker();
                    try {
                        for (int i = next.getAndIncrement(); i < tasks.size() && !failed; i = next.getAndIncrement()) {
                            worker.run(tasks.get(i), results.get(tasks.get(i).file()));
                        }
                    } catch (IOException | RuntimeException | Error e) {
                        failed = true; // stops the other workers at their next read
                        throw e;
                    }
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failed = true;
                    if (first == null || first instanceof Cancelled) {
                        first = e.getCause();
                    }
                } catch (InterruptedException e) {
                    failed = true;
                    Thread.currentThread().interrupt();
                    throw new TorrentCreationCancelledException("interrupted while hashing");
                }
            }
            if (first instanceof Cancelled) {
                throw new TorrentCreationCancelledException("cancelled after hashing " + done.get() + " of " + total
                        + " bytes");
            } else if (first instanceof IOException io) {
                throw io;
            } else if (first instanceof RuntimeException re) {
                throw re;
            } else if (first instanceof Error err) {
                throw err;
            } else if (first != null) {
                throw new IOException(first);
            }
        } finally {
            failed = true;
            pool.shutdownNow();
        }
        listener.progress(done.get(), total);
        return results;
    }

    private final class Worker {
        private final byte[] buffer = new byte[Math.min(READ_SIZE, pieceLength)];
        private final MessageDigest sha256 = MerkleTree.sha256();
        private final MessageDigest sha1 = hybrid ? sha1() : null;

        void run(Task task, FileHashes out) throws IOException {
            SourceFile file = files.get(task.file());
            boolean padTail = hybrid && files.size() > 1; // see TorrentCreator.v1Files
            boolean singlePiece = file.length() <= pieceLength;
            int width = singlePiece ? MerkleTree.nextPowerOfTwo(MerkleTree.blockCount(file.length()))
                    : pieceLength / MerkleTree.BLOCK_SIZE;
            byte[] leaves = new byte[width * MerkleTree.HASH_LENGTH];
            try (FileChannel channel = FileChannel.open(file.location(), StandardOpenOption.READ)) {
                for (int p = task.firstPiece(); p < task.firstPiece() + task.pieces(); p++) {
                    long start = (long) p * pieceLength;
                    int length = (int) Math.min(pieceLength, file.length() - start);
                    java.util.Arrays.fill(leaves, (byte) 0); // zero leaves pad the last piece (BEP 52)
                    int leaf = 0;
                    for (int off = 0; off < length; off += buffer.length) {
                        if (cancel.isCancelled() || failed) {
                            throw new Cancelled();
                        }
                        int n = Math.min(buffer.length, length - off);
                        readFully(channel, file, start + off, n);
                        for (int b = 0; b < n; b += MerkleTree.BLOCK_SIZE) {
                            sha256.update(buffer, b, Math.min(MerkleTree.BLOCK_SIZE, n - b));
                            MerkleTree.digestInto(sha256, leaves, leaf++ * MerkleTree.HASH_LENGTH);
                        }
                        if (sha1 != null) {
                            sha1.update(buffer, 0, n);
                        }
                        listener.progress(done.addAndGet(n), total);
                    }
                    byte[] root = MerkleTree.reduceInPlace(leaves, width, sha256);
                    System.arraycopy(root, 0, out.v2, p * MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH);
                    if (sha1 != null) {
                        if (padTail) {
                            // BEP 47: the pad file after this file is zeros up to the piece boundary.
                            for (int pad = pieceLength - length; pad > 0; pad -= Math.min(pad, ZEROS.length)) {
                                sha1.update(ZEROS, 0, Math.min(pad, ZEROS.length));
                            }
                        }
                        try {
                            sha1.digest(out.v1, p * HashValue.SHA1_LENGTH, HashValue.SHA1_LENGTH);
                        } catch (java.security.DigestException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        }

        private void readFully(FileChannel channel, SourceFile file, long position, int length) throws IOException {
            ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
            while (target.hasRemaining()) {
                int n = channel.read(target, position + target.position());
                if (n < 0) {
                    throw new EOFException(file.location() + " became shorter while hashing (expected "
                            + file.length() + " bytes)");
                }
            }
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
