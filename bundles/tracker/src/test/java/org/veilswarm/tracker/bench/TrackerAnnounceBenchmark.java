package org.veilswarm.tracker.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.tracker.impl.TrackerServerInitializer;
import org.veilswarm.tracker.impl.TrackerService;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.interop.OpentrackerAccess;
import org.veilswarm.tracker.protocol.PercentEncoding;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * Announces per second on loopback: our tracker (memory store, direct transport) against opentracker, with
 * the same load generator in the same run. The generator opens one connection per announce (keep-alive
 * off: opentracker closes after every answer), from {@value #THREADS} blocking threads, with 2,000 distinct
 * peers of one torrent asking for 50 peers each. Not part of the default build:
 * {@code mvn -B -Pbench -f bundles/tracker/pom.xml test}.
 */
@Tag("bench")
class TrackerAnnounceBenchmark {
    static final int THREADS = 4;
    static final long WARM_UP_MILLIS = 5_000;
    static final long MEASURE_MILLIS = 10_000;
    static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");

    @TempDir
    Path dir;

    @Test
    void announcesPerSecondOursVersusOpentracker() throws Exception {
        ShareTokenTable tokens = new ShareTokenTable();
        String token = ShareTokenTable.newToken(new SecureRandom());
        tokens.put(token, new TrackedShare(Visibility.PUBLIC, Set.of(HASH)));
        TrackerService service = new TrackerService(new MemoryTrackerStore(), tokens, TrackerSettings.DEFAULT,
                Clock.systemUTC());
        StringBuilder report = new StringBuilder();
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                .maxConnections(100_000).build());
                AutoCloseable opentracker = OpentrackerAccess.start(dir, List.of(HASH))) {
            Listener listener = engine.listen(null, 0, new TrackerServerInitializer(service)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            int ourPort = listener.address().port();
            int otPort = OpentrackerAccess.port(opentracker);
            String ourPath = "/public/" + token + "/announce";
            List<double[]> rounds = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                double ours = run(ourPort, ourPath);
                double theirs = run(otPort, "/announce");
                rounds.add(new double[] {ours, theirs});
                report.append(String.format("round %d: veilswarm %.0f announces/s, opentracker %.0f announces/s, "
                        + "ratio %.2f%n", round + 1, ours, theirs, ours / theirs));
            }
            listener.close();
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "bench-tracker-announces.txt"), report);
    }

    /** Announces per second against 127.0.0.1:port during the measuring window. */
    private static double run(int port, String path) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (announceOnce(port, path)) {
                            if (measuring.get()) {
                                done.increment();
                            }
                        } else {
                            failed.increment();
                        }
                    } catch (IOException e) {
                        failed.increment();
                    }
                }
            }, "bench-load-" + t);
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(WARM_UP_MILLIS);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(MEASURE_MILLIS);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        if (failed.sum() > done.sum() / 100) {
            throw new AssertionError(failed.sum() + " failed announces against port " + port);
        }
        return done.sum() / (elapsed / 1e9);
    }

    private static boolean announceOnce(int port, String path) throws IOException {
        int peer = ThreadLocalRandom.current().nextInt(2_000);
        String query = "info_hash=" + PercentEncoding.encodeAll(HASH.bytes()) + "&peer_id="
                + String.format("-VS0001-%012d", peer) + "&port=" + (10_000 + peer) + "&uploaded=0&downloaded=0&left="
                + (peer % 4 == 0 ? 0 : 1000) + "&numwant=50&compact=1";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + "?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.ISO_8859_1);
            return text.startsWith("HTTP/1.") && text.contains(" 200 ") && text.contains("8:interval");
        }
    }
}
