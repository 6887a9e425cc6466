package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.tracker.protocol.ShareTokens;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

import io.netty.util.concurrent.DefaultEventExecutorGroup;

/** Requests answered on store threads (blocking stores), over real TCP on 127.0.0.1. */
class OffloadedRequestTest {
    private final DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.defaults());
    private final DefaultEventExecutorGroup storeThreads = new DefaultEventExecutorGroup(2);

    @AfterEach
    void close() {
        engine.close();
        storeThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private int serve(TrackerService service) throws Exception {
        Listener listener = engine.listen(null, 0, new TrackerServerInitializer(service, storeThreads))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return listener.address().port();
    }

    @Test
    void aBugOnAStoreThreadStillAnswers500AndCloses() throws Exception {
        ShareTokens broken = digest -> {
            throw new IllegalStateException("a broken token table");
        };
        int port = serve(new TrackerService(new MemoryTrackerStore(), broken, TrackerSettings.DEFAULT,
                Clock.systemUTC()));
        String answer = exchange(port, "GET /public/" + "A".repeat(43) + "/announce HTTP/1.1\r\nHost: t\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 500 "), answer);
        assertTrue(answer.endsWith("d14:failure reason14:internal errore"), answer);
    }

    @Test
    void pipelinedRequestsOnAStoreThreadAreAnsweredInOrder() throws Exception {
        TrackerFixture fixture = new TrackerFixture();
        int port = serve(fixture.service);
        StringBuilder requests = new StringBuilder();
        for (int peer = 0; peer < 5; peer++) {
            requests.append("GET ").append(fixture.announcePath()).append('?')
                    .append(TrackerFixture.announceQuery(peer, 9_000 + peer, 100, "&compact=1")).append(" HTTP/1.1\r\n")
                    .append("Host: t\r\n\r\n");
        }
        // The sixth request is to an unknown token: its 404 must come last.
        requests.append("GET /public/").append("B".repeat(43)).append("/announce HTTP/1.1\r\nHost: t\r\n")
                .append("Connection: close\r\n\r\n");
        String answers = exchange(port, requests.toString());
        int statusLines = 0;
        int last404 = answers.lastIndexOf("HTTP/1.1 404 ");
        for (int i = answers.indexOf("HTTP/1.1 "); i >= 0; i = answers.indexOf("HTTP/1.1 ", i + 1)) {
            statusLines++;
            if (i < last404) {
                assertTrue(answers.startsWith("HTTP/1.1 200 ", i), answers);
            }
        }
        assertEquals(6, statusLines, answers);
        assertEquals(5, fixture.store.statistics().leechers());
    }

    private static String exchange(int port, String requests) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
