package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentCreator;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/** Helpers for engine tests: content on disk, torrents made by our creator, engines on the direct transport. */
final class Loopback {

    private Loopback() {
    }

    static DirectTransportEngine transport() {
        return new DirectTransportEngine(DirectTransportSettings.builder().bindAddress("127.0.0.1").build());
    }

    /** Random files of the given sizes in {@code dir/name} (one file: {@code dir/name} itself). */
    static Path content(Path dir, String name, long seed, long... sizes) throws IOException {
        Random random = new Random(seed);
        if (sizes.length == 1) {
            Path file = dir.resolve(name);
            Files.createDirectories(dir);
            write(file, sizes[0], random);
            return file;
        }
        Path folder = dir.resolve(name);
        Files.createDirectories(folder.resolve("sub"));
        for (int i = 0; i < sizes.length; i++) {
            write(folder.resolve(i % 2 == 0 ? "f" + i + ".bin" : "sub/f" + i + ".bin"), sizes[i], random);
        }
        return folder;
    }

    private static void write(Path file, long size, Random random) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    static CreatedTorrent torrent(Path content, TorrentMode mode, int pieceLength) throws Exception {
        return TorrentCreator.forPath(content).mode(mode).pieceLength(pieceLength).create();
    }

    static SwarmEngine engine(DirectTransportEngine transport) {
        SwarmEngine engine = new SwarmEngine(EngineConfig.defaults());
        engine.addTransport(transport);
        return engine;
    }

    /** The choker package's token bucket as the engine's limiter hook: 64 KiB burst, then {@code bytesPerSecond}. */
    static RateLimiter limit(long bytesPerSecond) {
        return org.veilswarm.swarm.choker.HierarchicalRateLimiter.root(bytesPerSecond, 64 * 1024, System::nanoTime)::reserve;
    }

    static TransportAddress listen(SwarmEngine engine, DirectTransportEngine transport) {
        Listener listener = engine.listen(transport, null, 0).toCompletableFuture().join();
        return listener.address();
    }

    /**
     * Waits until {@code session} has counted at least {@code bytes} payload bytes as uploaded. The count grows
     * when a block's write has completed on the sender's side, which can come after the receiver has the block:
     * a leecher's completion does not mean its seeder has counted the last block yet.
     */
    static long awaitUploaded(TorrentSession session, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        long uploaded = session.stats().uploaded();
        while (uploaded < bytes && System.nanoTime() < deadline) {
            Thread.sleep(20);
            uploaded = session.stats().uploaded();
        }
        assertTrue(uploaded >= bytes, "uploaded " + uploaded + " of at least " + bytes + " bytes");
        return uploaded;
    }

    /** Every regular file below {@code expected} exists below {@code actual} with the same SHA-256. */
    static void assertSameTree(Path expected, Path actual) throws IOException {
        if (Files.isRegularFile(expected)) {
            assertArrayEquals(sha256(expected), sha256(actual), actual + " differs from " + expected);
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(expected)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            Path other = actual.resolve(expected.relativize(f).toString());
            assertArrayEquals(sha256(f), sha256(other), other + " differs from " + f);
        }
    }

    static byte[] sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
