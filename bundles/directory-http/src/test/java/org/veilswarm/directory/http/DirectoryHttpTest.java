package org.veilswarm.directory.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** The directory HTTP server and client against each other on 127.0.0.1. */
class DirectoryHttpTest {
    private static final byte[] DOCUMENT = new byte[200_000];
    private static final byte[] BOMB = Gzip.compress(new byte[5_000_000]);
    private static EventLoopGroup group;
    private static Channel server;
    private static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        // Half random (incompressible), half zeros: compresses to about half.
        byte[] random = new byte[100_000];
        new Random(1).nextBytes(random);
        System.arraycopy(random, 0, DOCUMENT, 0, random.length);
        byte[] gzipped = Gzip.compress(DOCUMENT);
        DirectoryHttpService documents = r -> {
            if (r.isGet("/doc")) {
                return Optional.of(r.acceptsGzip() ? new DirectoryResponse(200, gzipped, true)
                        : DirectoryResponse.ok(DOCUMENT));
            }
            if (r.isGet("/bomb")) {
                return Optional.of(new DirectoryResponse(200, BOMB, true));
            }
            return Optional.empty();
        };
        DirectoryHttpService echo = r -> r.isPost("/echo")
                ? Optional.of(r.body().length == 0 ? DirectoryResponse.error(400, "empty body")
                        : DirectoryResponse.ok(r.body()))
                : Optional.empty();
        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new DirectoryServerInitializer(List.of(documents, echo)))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        address = (InetSocketAddress) server.localAddress();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static DirectoryHttpClient client(boolean gzip, int max) {
        return new DirectoryHttpClient(new TcpDirectoryConnector(group, address), Duration.ofSeconds(10), max, gzip);
    }

    @Test
    void gzipIsUsedWhenOfferedAndInflatedByTheClient() throws Exception {
        DirectoryHttpClient.Response compressed = client(true, 1 << 20).get("/doc").get();
        assertArrayEquals(DOCUMENT, compressed.body());
        assertTrue(compressed.transferred() < DOCUMENT.length * 6 / 10, "transferred " + compressed.transferred());
        DirectoryHttpClient.Response plain = client(false, 1 << 20).get("/doc").get();
        assertArrayEquals(DOCUMENT, plain.body());
        assertEquals(DOCUMENT.length, plain.transferred());
    }

    @Test
    void aGzipBombIsRefusedAtTheCap() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> client(true, 1 << 20).get("/bomb").get());
        assertInstanceOf(DirectoryHttpException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("inflates beyond"), e.getCause().getMessage());
    }

    @Test
    void aResponseAboveTheCapFails() {
        ExecutionException e = assertThrows(ExecutionException.class, () -> client(false, 1000).get("/doc").get());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void postBodiesArriveAndErrorsCarryTheirStatus() throws Exception {
        byte[] line = "find something\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(line, client(true, 1000).post("/echo", line).get().body());
        ExecutionException empty = assertThrows(ExecutionException.class,
                () -> client(true, 1000).post("/echo", new byte[0]).get());
        assertEquals(400, ((DirectoryHttpException) empty.getCause()).status());
        assertTrue(empty.getCause().getMessage().contains("empty body"));
        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> client(true, 1000).get("/nothing").get());
        assertEquals(404, ((DirectoryHttpException) missing.getCause()).status());
    }

    @Test
    void anOversizeUploadIsRefused() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client(true, 1000).post("/echo", new byte[DirectoryServerInitializer.MAX_REQUEST_BODY + 1]).get());
        assertEquals(413, ((DirectoryHttpException) e.getCause()).status());
    }

    @Test
    void aClosedPortFailsWithoutHanging() throws Exception {
        java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        InetSocketAddress closed = (InetSocketAddress) s.getLocalSocketAddress();
        s.close();
        DirectoryHttpClient c = new DirectoryHttpClient(new TcpDirectoryConnector(group, closed),
                Duration.ofSeconds(10), 1000, true);
        assertThrows(ExecutionException.class, () -> c.get("/doc").get());
    }

    /**
     * A scheme's requests made after its event loop stopped (an onion node's descriptor upload racing the
     * directory bundle's refresh) fail at once: Netty drops the connect's listener notification on a terminated
     * loop, and the request used to wait for its whole timeout, kept by the JDK's timeout scheduler.
     */
    @Test
    void aRequestAfterTheEventLoopStoppedFailsAtOnce() throws Exception {
        EventLoopGroup stopped = new NioEventLoopGroup(1);
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        DirectoryHttpClient c = new DirectoryHttpClient(new TcpDirectoryConnector(stopped, address),
                Duration.ofSeconds(60), 1000, true);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> c.post("/echo", new byte[] {1}).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().contains("stopped"), failed.getCause().getMessage());
    }

    @Test
    void acceptEncodingIsReadWithItsWeights() {
        assertTrue(DirectoryServerInitializer.acceptsGzip("gzip"));
        assertTrue(DirectoryServerInitializer.acceptsGzip("deflate, GZIP;q=0.5"));
        assertTrue(DirectoryServerInitializer.acceptsGzip("*"));
        assertTrue(!DirectoryServerInitializer.acceptsGzip("identity"));
        assertTrue(!DirectoryServerInitializer.acceptsGzip("gzip;q=0"));
        assertTrue(!DirectoryServerInitializer.acceptsGzip("gzip;q=0.000"));
        assertTrue(!DirectoryServerInitializer.acceptsGzip("*, gzip;q=0"), "an explicit refusal beats *");
        assertTrue(!DirectoryServerInitializer.acceptsGzip("gzip;q=abc"));
        assertTrue(!DirectoryServerInitializer.acceptsGzip(""));
    }
}
