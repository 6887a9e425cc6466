package org.veilswarm.console.impl.bundles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.console.impl.http.ApiException;

class BundleDownloadTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    @TempDir
    Path temp;

    private HttpServer server;
    private byte[] served;

    @BeforeEach
    void serve() throws IOException {
        served = Files.readAllBytes(TestArchives.bundle(dir.resolve("served.jar"), "org.example.served", "1.0.0"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/served.jar", exchange -> {
            exchange.sendResponseHeaders(200, served.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(served);
            }
        });
        server.createContext("/missing.jar", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void copiesAFileUrl() throws Exception {
        Path source = TestArchives.bundle(dir.resolve("local.jar"), "org.example.local", "1.0.0");
        Path copy = BundleDownload.fetch(source.toUri().toString(), 1 << 20, TIMEOUT, temp);
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(copy));
    }

    @Test
    void downloadsAnHttpUrl() throws Exception {
        Path copy = BundleDownload.fetch(base() + "/served.jar", 1 << 20, TIMEOUT, temp);
        assertArrayEquals(served, Files.readAllBytes(copy));
    }

    @Test
    void httpErrorsAre400WithTheStatus() {
        ApiException e = assertThrows(ApiException.class,
                () -> BundleDownload.fetch(base() + "/missing.jar", 1 << 20, TIMEOUT, temp));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().endsWith("HTTP 404"), e.getMessage());
        assertNoTemporaryFiles();
    }

    @Test
    void tooLargeIs413() throws IOException {
        Path source = TestArchives.bundle(dir.resolve("local.jar"), "org.example.local", "1.0.0");
        assertEquals(413, assertThrows(ApiException.class,
                () -> BundleDownload.fetch(source.toUri().toString(), 10, TIMEOUT, temp)).status());
        assertEquals(413, assertThrows(ApiException.class,
                () -> BundleDownload.fetch(base() + "/served.jar", 10, TIMEOUT, temp)).status());
        assertNoTemporaryFiles();
    }

    @Test
    void refusesBadUrls() {
        for (String url : new String[] {"", "ftp://example/x.jar", "jar:file:/x!/", "no scheme", "http:///x.jar",
                "file:" + dir.resolve("does-not-exist.jar")}) {
            ApiException e = assertThrows(ApiException.class, () -> BundleDownload.fetch(url, 1 << 20, TIMEOUT, temp),
                    url);
            assertEquals(400, e.status(), url);
        }
        assertNoTemporaryFiles();
    }

    private void assertNoTemporaryFiles() {
        try (Stream<Path> files = Files.list(temp)) {
            assertEquals(0, files.count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
