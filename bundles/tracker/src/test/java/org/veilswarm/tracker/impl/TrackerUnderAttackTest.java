package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.tracker.protocol.AnnounceResponse;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * Issue 7, bad input: slowloris streams, garbage, oversized request lines and headers, and unknown tokens, all at
 * once over real TCP on 127.0.0.1, while a well-behaved client keeps announcing. Every good announce gets its
 * answer; every abusive stream is closed by the server (with 400/414/431 where it sent something to answer);
 * the server's buffer memory stays bounded while attackers push megabytes.
 */
class TrackerUnderAttackTest {
    private static final int SLOWLORIS = 100;
    private static final int FLOODERS = 12;
    /** What each flooder tries to push: far more than any limit (4 KiB line, 8 KiB headers). */
    private static final int FLOOD_BYTES = 4 << 20;
    /** Far above what the limits allow for all attacking streams together, far below what the floods carry. */
    private static final long MEMORY_BOUND = 32L << 20;

    private final LoopbackTracker tracker;
    private final ExecutorService attackers = Executors.newCachedThreadPool();
    private final List<Socket> slowSockets = new CopyOnWriteArrayList<>();

    TrackerUnderAttackTest() throws Exception {
        tracker = new LoopbackTracker(new TrackerFixture(TrackerSettings.DEFAULT.withRequestTimeout(
                Duration.ofMillis(1_500))));
    }

    @AfterEach
    void close() throws Exception {
        attackers.shutdownNow();
        for (Socket s : slowSockets) {
            s.close();
        }
        tracker.close();
    }

    @Test
    void aGoodClientIsAnsweredThroughoutAnAttackAndEveryAttackingStreamIsClosed() throws Exception {
        int port = tracker.port();
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicLong peakMemory = new AtomicLong();
        List<String> attackFailures = new CopyOnWriteArrayList<>();

        // Slowloris: a byte of a valid request line every 100 ms; each stream must be cut at the request deadline.
        for (int i = 0; i < SLOWLORIS; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            slowSockets.add(s);
        }
        Future<?> slowloris = attackers.submit(() -> {
            byte[] line = ("GET " + tracker.fixture.announcePath() + "?info_hash=").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; attacking.get(); i++) {
                for (Socket s : slowSockets) {
                    try {
                        s.getOutputStream().write(line[i % line.length]);
                    } catch (IOException closedByServer) {
                        // Expected once the deadline passes.
                    }
                }
                sleep(100);
            }
        });
        // Flooders: random bytes without a line end, a huge request line, huge headers, as fast as TCP takes them.
        List<Future<String>> floods = new ArrayList<>();
        for (int i = 0; i < FLOODERS; i++) {
            int kind = i % 3;
            floods.add(attackers.submit(() -> flood(port, kind)));
        }
        // Unknown tokens, one connection each: 404, the same body whatever the token.
        Future<?> guessing = attackers.submit(() -> {
            Random random = new Random(7);
            while (attacking.get()) {
                String token = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "abcdefghijklmnopqrstuv";
                try {
                    String answer = get(port, "/public/" + token + "/announce?" + TrackerFixture.announceQuery(9, 9, 0, ""));
                    if (!answer.startsWith("HTTP/1.1 404 ") || !answer.endsWith("d14:failure reason9:not founde")) {
                        attackFailures.add("unknown token answered: " + answer);
                    }
                } catch (IOException e) {
                    attackFailures.add("unknown token: " + e);
                }
            }
        });
        Future<?> memory = attackers.submit(() -> {
            while (attacking.get()) {
                var metric = PooledByteBufAllocator.DEFAULT.metric();
                peakMemory.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                sleep(20);
            }
        });

        // The good client: sequential announces, each must be answered (a hang fails on the socket timeout).
        int answered = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int peer = 0; System.nanoTime() < until || answered < 20; peer++) {
            String answer = get(tracker.port(), tracker.fixture.announcePath() + "?"
                    + TrackerFixture.announceQuery(peer % 50, 7_000 + peer % 50, 100, "&compact=1"));
            assertTrue(answer.startsWith("HTTP/1.1 200 "), "good announce " + peer + " got: " + answer);
            byte[] body = answer.substring(answer.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
            AnnounceResponse.parse(body);
            answered++;
        }

        for (Future<String> flood : floods) {
            String outcome = flood.get(30, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("closed"), outcome);
        }
        // Well past the request deadline (1.5 s) since the last slowloris byte: every slow stream is closed.
        for (Socket s : slowSockets) {
            assertClosedByServer(s);
        }
        attacking.set(false);
        slowloris.get(10, TimeUnit.SECONDS);
        guessing.get(10, TimeUnit.SECONDS);
        memory.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), attackFailures);
        assertTrue(answered >= 20);
        assertTrue(peakMemory.get() < MEMORY_BOUND, "pooled buffers peaked at " + peakMemory.get() + " bytes while "
                + FLOODERS + " streams pushed " + FLOOD_BYTES + " bytes each");
    }

    /**
     * Pushes up to {@link #FLOOD_BYTES} of one kind of junk, then reads what the server says: "closed ..." once
     * the server has closed the stream, with the status it answered, if any.
     */
    private static String flood(int port, int kind) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[16 * 1024];
            new Random(kind).nextBytes(chunk);
            String prefix = switch (kind) {
                case 0 -> "";
                case 1 -> "GET /";
                default -> "GET /public/x/announce HTTP/1.1\r\nX-Junk: ";
            };
            if (kind != 0) {
                java.util.Arrays.fill(chunk, (byte) 'a');
            }
            int sent = 0;
            try {
                out.write(prefix.getBytes(StandardCharsets.US_ASCII));
                while (sent < FLOOD_BYTES) {
                    out.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException closedByServer) {
                // The server stopped reading and closed: what we wanted.
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(answer);
            } catch (SocketTimeoutException e) {
                return "open after " + sent + " bytes: the server never closed the stream";
            } catch (IOException reset) {
                // A reset is a close too (the server closed with our unread junk in its buffer).
            }
            String status = answer.size() >= 12 ? answer.toString(StandardCharsets.ISO_8859_1).substring(0, 12) : "";
            return "closed after " + sent + " bytes (kind " + kind + ", answer '" + status + "')";
        }
    }

    private static String get(int port, String target) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            s.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            assertEquals(-1, in.read(), "a slowloris stream got data instead of being closed");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a slowloris stream is still open after the request deadline", e);
        } catch (IOException reset) {
            // Closed with a reset: closed all the same.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
