package org.veilswarm.console.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/**
 * console.url is written only when the console really answers on its port, and only while it runs. The
 * pitfall REFERENCE.md warns about: another program holds the port, Felix HTTP stays ACTIVE and only logs
 * "Failed to bind"; the console must say so loudly and must not write a console.url that would lead the
 * operator to the other program.
 */
class ConsolePortCheckTest {

    @TempDir
    Path work;

    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void anotherProgramOnThePortIsReportedAndNoConsoleUrlIsWritten() throws Exception {
        HttpServer squatter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        squatter.createContext("/", exchange -> {
            byte[] body = "someone else".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        squatter.start();
        int port = squatter.getAddress().getPort();
        Dictionary<String, Object> console = new Hashtable<>();
        console.put("portCheckSeconds", 2);
        try (FelixHarness felix = FelixHarness.start(work, port, Map.of("org.veilswarm.console", console))) {
            String expected = "The console port 127.0.0.1:" + port + " is answered by another program";
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (errors.stream().noneMatch(r -> r.getMessage().startsWith(expected)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(errors.stream().anyMatch(r -> r.getMessage().startsWith(expected)
                    && r.getMessage().contains("org.osgi.service.http.port")), errors.toString());
            assertFalse(Files.exists(felix.dataDirectory.resolve("console.url")));
            assertTrue(Files.exists(felix.dataDirectory.resolve("management.token")));
        } finally {
            squatter.stop(0);
        }
    }

    @Test
    void consoleUrlFollowsTheConsoleBundle() throws Exception {
        try (FelixHarness felix = FelixHarness.start(work, ConsoleHttpTest.freePort(), Map.of())) {
            Path url = felix.dataDirectory.resolve("console.url");
            awaitExists(url, true);
            String first = Files.readString(url);
            String token = Files.readString(felix.dataDirectory.resolve("management.token"));
            assertTrue(first.endsWith("/management/" + token + "\n"), first);
            Bundle console = felix.bundle("org.veilswarm.console");
            console.stop();
            assertFalse(Files.exists(url), "deleted when the console stops");
            assertEquals(token, Files.readString(felix.dataDirectory.resolve("management.token")),
                    "the token outlives the console");
            console.start();
            awaitExists(url, true);
            assertEquals(first, Files.readString(url), "same token, same link after a restart");
        }
    }

    private static void awaitExists(Path file, boolean exists) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Files.exists(file) != exists && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(exists, Files.exists(file), file.toString());
    }

    @Test
    void aStaleConsoleUrlFromAnEarlierRunIsRemoved() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("console.url"), "http://127.0.0.1:1/management/old\n");
        HttpServer squatter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        squatter.start();
        Dictionary<String, Object> console = new Hashtable<>();
        console.put("portCheckSeconds", 1);
        try (FelixHarness felix = FelixHarness.start(work, squatter.getAddress().getPort(),
                Map.of("org.veilswarm.console", console))) {
            awaitExists(felix.dataDirectory.resolve("console.url"), false);
        } finally {
            squatter.stop(0);
        }
    }
}
