package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.AnnounceRequest;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.AnnounceSchedule;
import org.veilswarm.tracker.protocol.StreamConnector;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerFailureException;
import org.veilswarm.tracker.protocol.TrackerResponseException;
import org.veilswarm.tracker.protocol.TrackerUrl;

/** Client and server over real TCP on 127.0.0.1, through the direct transport engine. */
class TrackerLoopbackTest {
    private final LoopbackTracker tracker;

    TrackerLoopbackTest() throws Exception {
        tracker = new LoopbackTracker(new TrackerFixture(TrackerSettings.DEFAULT.withRequestTimeout(
                Duration.ofMillis(300))));
    }

    @AfterEach
    void close() {
        tracker.close();
    }

    private static AnnounceRequest request(int peer, int port, Optional<OnionAddress> onion) {
        return new AnnounceRequest(TrackerFixture.HASH, String.format("-VS0001-%012d", peer).getBytes(), port, 0, 0,
                peer % 2 == 0 ? 0 : 100, AnnounceEvent.STARTED, OptionalInt.of(50), true, false, onion);
    }

    @Test
    void peersAnnouncingOverTcpFindEachOther() throws Exception {
        OnionAddress onion = OnionAddress.fromPublicKey(new byte[32]);
        tracker.client.announce(tracker.announceUrl(), request(1, 7001, Optional.empty())).get(10, TimeUnit.SECONDS);
        tracker.client.announce(tracker.announceUrl(), request(2, 443, Optional.of(onion))).get(10, TimeUnit.SECONDS);
        AnnounceResponse third = tracker.client.announce(tracker.announceUrl(), request(3, 7003, Optional.empty()))
                .get(10, TimeUnit.SECONDS);
        assertEquals(Map.of(new TransportAddress("127.0.0.1", 7001), 1, TransportAddress.of(onion, 443), 1),
                third.peers().stream().collect(Collectors.toMap(a -> a, a -> 1)));
        assertEquals(1, third.complete());
        assertEquals(2, third.incomplete());

        Map<?, SwarmCounts> scrape = tracker.client.scrape(tracker.announceUrl().scrape(),
                List.of(TrackerFixture.HASH)).get(10, TimeUnit.SECONDS);
        assertEquals(Map.of(TrackerFixture.HASH, new SwarmCounts(1, 2, 0)), scrape);
    }

    @Test
    void theClientReportsFailureReasonsAndHttpErrors() {
        TrackerUrl unknown = TrackerUrl.parse("http://127.0.0.1:" + tracker.port() + "/public/" + "B".repeat(43)
                + "/announce");
        ExecutionException notFound = assertThrows(ExecutionException.class,
                () -> tracker.client.announce(unknown, request(1, 7001, Optional.empty())).get(10, TimeUnit.SECONDS));
        assertInstanceOf(TrackerResponseException.class, notFound.getCause());
        assertTrue(notFound.getCause().getMessage().contains("404"), notFound.getCause().getMessage());

        AnnounceRequest otherTorrent = new AnnounceRequest(TrackerFixture.OTHER, "-VS0001-000000000001".getBytes(),
                7001, 0, 0, 0, AnnounceEvent.NONE, OptionalInt.empty(), true, false, Optional.empty());
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> tracker.client.announce(tracker.announceUrl(), otherTorrent).get(10, TimeUnit.SECONDS));
        assertInstanceOf(TrackerFailureException.class, refused.getCause());
    }

    @Test
    void aSlowlorisStreamIsClosedByTheServer() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", tracker.port()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long start = System.nanoTime();
            byte[] line = ("GET " + tracker.fixture.announcePath() + "?").getBytes(StandardCharsets.US_ASCII);
            int read = -2;
            // One byte every 50 ms: each byte resets any read-idle timer, only the request deadline stops it.
            for (int i = 0; i < line.length * 10 && read == -2; i++) {
                try {
                    out.write(line[i % line.length]);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(50);
                if (in.available() > 0 || isClosed(socket)) {
                    break;
                }
            }
            read = in.read();
            assertEquals(-1, read, "the server closed the stream without answering");
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsed < 8_000, "closed within a bound, took " + elapsed + " ms (deadline 300 ms)");
        }
    }

    private static boolean isClosed(Socket socket) throws Exception {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException open) {
            return false;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    @Test
    void announcesAreRetriedWithBackOffAfterTransportErrorsButNotAfterARefusal() throws Exception {
        AtomicInteger connects = new AtomicInteger();
        // The first two streams cannot be opened; the third reaches the tracker.
        StreamConnector flaky = (to, init) -> connects.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(new IOException("connection refused"))
                : tracker.engine.connect(to, init);
        TrackerClient client = new TrackerClient(flaky,
                Duration.ofSeconds(10));
        AnnounceSchedule schedule = new AnnounceSchedule(
                Duration.ofSeconds(60), Duration.ofMillis(5), Duration.ofMillis(50), new Random(3));
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor();
        try {
            AnnounceResponse response = client.announce(tracker.announceUrl(), request(1, 7001, Optional.empty()),
                    schedule, 5, scheduler).get(10, TimeUnit.SECONDS);
            assertEquals(1800, response.interval());
            assertEquals(3, connects.get(), "two failures, then success");
            assertEquals(0, schedule.failures(), "success resets the back-off");

            AnnounceRequest otherTorrent = new AnnounceRequest(TrackerFixture.OTHER,
                    "-VS0001-000000000001".getBytes(), 7001, 0, 0, 0, AnnounceEvent.NONE, OptionalInt.empty(), true,
                    false, Optional.empty());
            ExecutionException refused = assertThrows(ExecutionException.class, () -> client.announce(
                    tracker.announceUrl(), otherTorrent, schedule, 5, scheduler).get(10, TimeUnit.SECONDS));
            assertInstanceOf(TrackerFailureException.class, refused.getCause());
            assertEquals(4, connects.get(), "a refusal is not retried");

            connects.set(-100);
            AtomicInteger attempts = new AtomicInteger();
            TrackerClient dead = new TrackerClient(
                    (to, init) -> {
                        attempts.incrementAndGet();
                        return CompletableFuture.failedFuture(new IOException("down"));
                    }, Duration.ofSeconds(10));
            ExecutionException down = assertThrows(ExecutionException.class, () -> dead.announce(
                    tracker.announceUrl(), request(1, 7001, Optional.empty()), schedule, 3, scheduler)
                    .get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, down.getCause());
            assertEquals(3, attempts.get(), "gives up after maxAttempts");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
