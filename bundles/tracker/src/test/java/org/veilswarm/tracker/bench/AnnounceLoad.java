package org.veilswarm.tracker.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load generator of {@link TrackerAnnounceBenchmark}, run in its own JVM so that it costs every tracker the
 * same and shares no heap, GC or JIT with ours: blocking threads, one TCP connection per announce
 * ({@code Connection: close}; opentracker closes after every answer anyway), peers drawn at random from 2,000
 * of one torrent (a quarter seeders), {@code numwant=50}, compact. JDK only.
 *
 * <p>Arguments: {@code port path threads warmUpMillis measureMillis}. Prints one line:
 * {@code announces=<n> failed=<n> seconds=<s> per_second=<r> total=<n>}, where {@code total} counts the
 * warm-up's answers as well (to divide the server's CPU time over the whole run by).
 */
public final class AnnounceLoad {
    /** {@code 0123456789abcdef0123456789abcdef01234567}, percent-encoded byte by byte. */
    static final String INFO_HASH = "%01%23%45%67%89%ab%cd%ef%01%23%45%67%89%ab%cd%ef%01%23%45%67";

    /** What the first failed announce got (an exception, or the start of the answer), for the report. */
    private static final java.util.concurrent.atomic.AtomicReference<String> FIRST_FAILURE =
            new java.util.concurrent.atomic.AtomicReference<>();

    private AnnounceLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String path = args[1];
        int threads = Integer.parseInt(args[2]);
        long warmUp = Long.parseLong(args[3]);
        long measure = Long.parseLong(args[4]);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder total = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = FIRST_FAILURE;
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                byte[] in = new byte[8192];
                while (!stop.get()) {
                    boolean ok;
                    try {
                        ok = announceOnce(port, path, in);
                    } catch (IOException e) {
                        ok = false;
                        firstFailure.compareAndSet(null, e.toString());
                    }
                    if (ok) {
                        total.increment();
                    }
                    if (measuring.get()) {
                        (ok ? done : failed).increment();
                    }
                }
            }, "announce-load-" + t);
            worker.start();
            workers.add(worker);
        }
        Thread.sleep(warmUp);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(measure);
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.printf(java.util.Locale.ROOT, "announces=%d failed=%d seconds=%.3f per_second=%.1f total=%d%n",
                done.sum(), failed.sum(), seconds, done.sum() / seconds, total.sum());
        if (FIRST_FAILURE.get() != null) {
            System.out.println("first failure: " + FIRST_FAILURE.get());
        }
    }

    private static boolean announceOnce(int port, String path, byte[] in) throws IOException {
        int peer = ThreadLocalRandom.current().nextInt(2_000);
        String request = "GET " + path + "?info_hash=" + INFO_HASH + "&peer_id=-VS0001-"
                + String.format("%012d", peer) + "&port=" + (10_000 + peer) + "&uploaded=0&downloaded=0&left="
                + (peer % 4 == 0 ? 0 : 1000) + "&numwant=50&compact=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream input = socket.getInputStream();
            int length = 0;
            for (int n; (n = input.read(in, length, in.length - length)) > 0;) {
                length += n;
            }
            String head = new String(in, 0, Math.min(length, 512), StandardCharsets.ISO_8859_1);
            boolean ok = head.startsWith("HTTP/1.") && head.contains(" 200 ") && head.contains("8:interval");
            if (!ok) {
                FIRST_FAILURE.compareAndSet(null, head.replace("\r\n", " | "));
            }
            return ok;
        }
    }
}
