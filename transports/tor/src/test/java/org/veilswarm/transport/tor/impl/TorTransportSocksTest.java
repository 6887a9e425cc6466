package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;
import org.veilswarm.transport.tor.testing.FakeSocksServer;
import org.veilswarm.transport.tor.testing.FakeTorControlPort;

/**
 * connect() through Netty's Socks5ProxyHandler against a scripted SOCKS5 server: every reply code tor can
 * send becomes the documented reason; the onion name reaches the proxy unresolved; bytes that arrive with
 * the SOCKS reply reach the caller's handler after channelActive, none lost.
 */
class TorTransportSocksTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "SOCKS reply 0x{0} -> {1}")
    @CsvSource({
        "01, OTHER", "02, REFUSED", "03, NOT_FOUND", "04, NOT_FOUND", "05, REFUSED", "06, TIMEOUT", "07, PROTOCOL",
        "08, UNSUPPORTED_ADDRESS", "F0, NOT_FOUND", "F1, PROTOCOL", "F2, NOT_FOUND", "F3, OTHER", "F4, REFUSED",
        "F5, REFUSED", "F6, UNSUPPORTED_ADDRESS", "F7, TIMEOUT", "EE, PROTOCOL"})
    void socksReplyCodesBecomeReasons(String hex, Reason reason) throws Exception {
        int code = Integer.parseInt(hex, 16);
        try (FakeSocksServer socks = new FakeSocksServer(code, new byte[0]);
                FakeTorControlPort control = FakeTorControlPort.bootstrapped(socks.port()).start();
                TorTransportEngine engine = attached(control)) {
            engine.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            TransportAddress to = TorTransportFailuresTest.onion();
            TransportException e = TorTransportFailuresTest.failure(engine.connect(to, TorTransportFailuresTest.initializer()));
            assertEquals(reason, e.reason(), e.getMessage());
            assertTrue(e.getMessage().toLowerCase().contains("0x" + hex.toLowerCase()), e.getMessage());
            assertEquals(List.of(to.host()), socks.requestedHosts(), "the onion name goes to tor, never to a resolver");
        }
    }

    @Test
    void bytesArrivingWithTheSocksReplyReachTheCallerAfterActive() throws Exception {
        byte[] greeting = "service speaks first\n".getBytes(StandardCharsets.US_ASCII);
        try (FakeSocksServer socks = new FakeSocksServer(0, greeting);
                FakeTorControlPort control = FakeTorControlPort.bootstrapped(socks.port()).start();
                TorTransportEngine engine = attached(control)) {
            Recorder recorder = new Recorder();
            Channel channel = engine.connect(TorTransportFailuresTest.onion(), new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(recorder);
                }
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(channel.isActive());
            assertArrayEquals(greeting, recorder.received.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of("active", "read"), recorder.events.subList(0, 2));
            assertEquals(1, engine.openStreams());
            channel.close().sync();
        }
    }

    @Test
    void aThrowingInitializerIsReportedAsSuchNotAsAnUnreachableTor() throws Exception {
        try (FakeSocksServer socks = new FakeSocksServer(0, new byte[0]);
                FakeTorControlPort control = FakeTorControlPort.bootstrapped(socks.port()).start();
                TorTransportEngine engine = attached(control)) {
            engine.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            TransportException e = TorTransportFailuresTest.failure(engine.connect(TorTransportFailuresTest.onion(),
                    new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            throw new IllegalStateException("broken pipeline setup");
                        }
                    }));
            assertTrue(e.getMessage().contains("setting up the stream") && e.getMessage().contains("ChannelInitializer threw"),
                    e.getMessage());
            assertTrue(socks.requestedHosts().isEmpty(), "nothing was sent to tor for a stream that could not be set up");
        }
    }

    @Test
    void connectingToAClearNetAddressIsRefusedWithoutTouchingTor() throws Exception {
        try (TorTransportEngine engine = new TorTransportEngine(TorTransportSettings.attach("127.0.0.1", 9, ""))) {
            TransportException e = TorTransportFailuresTest.failure(
                    engine.connect(new TransportAddress("example.org", 80), TorTransportFailuresTest.initializer()));
            assertEquals(Reason.UNSUPPORTED_ADDRESS, e.reason());
        }
    }

    static TorTransportEngine attached(FakeTorControlPort control) {
        return new TorTransportEngine(TorTransportSettings.attach("127.0.0.1", control.port(), "")
                .withTimeouts(TIMEOUT, TIMEOUT, TIMEOUT, TIMEOUT)).start();
    }

    /** Records event order and the bytes read until a newline. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<byte[]> received = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            events.add("active");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                events.add("read");
                byte[] chunk = new byte[buf.readableBytes()];
                buf.readBytes(chunk);
                bytes.write(chunk, 0, chunk.length);
                if (chunk.length > 0 && chunk[chunk.length - 1] == '\n') {
                    received.complete(bytes.toByteArray());
                }
            } finally {
                buf.release();
            }
        }
    }
}
