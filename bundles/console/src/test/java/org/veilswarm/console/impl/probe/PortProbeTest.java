package org.veilswarm.console.impl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;

class PortProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static HttpServer server(boolean echoNonce) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (echoNonce && path.startsWith("/management/" + PortProbe.PATH_PREFIX)) {
                exchange.getResponseHeaders().add(PortProbe.HEADER,
                        path.substring(("/management/" + PortProbe.PATH_PREFIX).length()));
            }
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static ConsoleEndpoint at(int port) {
        return new ConsoleEndpoint("127.0.0.1", port);
    }

    @Test
    void recognisesTheConsoleByItsEchoedNonce() throws IOException {
        HttpServer server = server(true);
        try {
            PortProbe.Result result = PortProbe.probeOnce(at(server.getAddress().getPort()), "n0nce", TIMEOUT);
            assertEquals(PortProbe.Outcome.OURS, result.outcome(), result.detail());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anotherHttpServerOnThePortIsForeign() throws IOException {
        HttpServer server = server(false);
        try {
            PortProbe.Result result = PortProbe.probeOnce(at(server.getAddress().getPort()), "n0nce", TIMEOUT);
            assertEquals(PortProbe.Outcome.FOREIGN, result.outcome());
            assertTrue(result.detail().startsWith("HTTP/1.1 404"), result.detail());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anotherNodeEchoingItsOwnProbeIsForeign() throws Exception {
        // A second node on the same port answers only its own probes' nonces, never ours.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nX-Veilswarm-Probe: theirs\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the probe side reports what it saw
                }
            });
            t.start();
            PortProbe.Result result = PortProbe.probeOnce(at(listener.getLocalPort()), "ours", TIMEOUT);
            t.join();
            assertEquals(PortProbe.Outcome.FOREIGN, result.outcome());
        }
    }

    @Test
    void aNonHttpListenerIsForeign() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    s.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the probe side reports what it saw
                }
            });
            t.start();
            PortProbe.Result result = PortProbe.probeOnce(at(listener.getLocalPort()), "n", TIMEOUT);
            assertEquals(PortProbe.Outcome.FOREIGN, result.outcome());
            t.join();
        }
    }

    @Test
    void aClosedPortIsNotListening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PortProbe.Result result = PortProbe.probeUntil(at(port), "n", Duration.ofMillis(300), Duration.ofMillis(100));
        assertEquals(PortProbe.Outcome.NOT_LISTENING, result.outcome(), result.detail());
    }

    @Test
    void keepsTryingUntilTheConsoleAppears() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpServer late = HttpServer.create();
        Thread starter = new Thread(() -> {
            try {
                Thread.sleep(300);
                late.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
                late.createContext("/", exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    exchange.getResponseHeaders().add(PortProbe.HEADER, path.substring(path.lastIndexOf('-') + 1));
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                });
                late.start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        starter.start();
        try {
            PortProbe.Result result = PortProbe.probeUntil(at(port), "later", Duration.ofSeconds(20),
                    Duration.ofMillis(50));
            assertEquals(PortProbe.Outcome.OURS, result.outcome(), result.detail());
        } finally {
            starter.join();
            late.stop(0);
        }
    }

    @Test
    void theProbeRequestIsPlainHttp11() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringBuilder seen = new StringBuilder();
            Thread t = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    byte[] buf = new byte[1024];
                    int n = s.getInputStream().read(buf);
                    seen.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 404 Not Found\r\nX-Veilswarm-Probe: abc\r\n\r\n".getBytes(
                            StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            PortProbe.Result result = PortProbe.probeOnce(at(listener.getLocalPort()), "abc", TIMEOUT);
            t.join();
            assertEquals(PortProbe.Outcome.OURS, result.outcome());
            assertTrue(seen.toString().startsWith("GET /management/ping-abc HTTP/1.1\r\nHost: 127.0.0.1:"),
                    seen.toString());
        }
    }
}
