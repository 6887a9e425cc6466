package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.transport.Listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty I/O the engine runs on: native epoll on Linux x86_64 (the platform of the bundled
 * {@code linux-x86_64} library), with one {@code SO_REUSEPORT} listening socket per event loop, and NIO where
 * epoll is switched off or does not load - the latter shown in a JVM of its own, because whether Netty's native
 * library loads is decided once per JVM.
 */
@ExtendWith(NettyLeakCheck.class)
class DirectIoTest {
    private static final int WORKERS = 3;
    private static final boolean LINUX_X86_64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
            && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));

    @Test
    void onLinuxX86ItRunsOnNativeEpollWithOneListeningSocketPerLoop() throws Exception {
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                .workerThreads(WORKERS).nativeTransport(true).build())) {
            Accepted accepted = new Accepted();
            DirectListener listener = (DirectListener) await(engine.listen(null, 0, accepted));
            Channel client = await(engine.connect(listener.address(), DirectTransportEngineTest.init(ch -> { })));
            Channel served = accepted.first.get(10, TimeUnit.SECONDS);
            if (LINUX_X86_64) {
                assertEquals("epoll", engine.ioName());
                assertEquals(WORKERS, listener.serverChannels().size(), "one listening socket per event loop");
                listener.serverChannels().forEach(s -> assertInstanceOf(EpollServerSocketChannel.class, s));
                assertInstanceOf(EpollSocketChannel.class, client);
                assertInstanceOf(EpollSocketChannel.class, served);
                int port = listener.address().port();
                listener.serverChannels().forEach(s -> assertEquals(port, ((java.net.InetSocketAddress) s.localAddress())
                        .getPort(), "every socket of the listener on its one port"));
            } else {
                assertEquals("nio", engine.ioName(), "this platform has no bundled epoll library");
            }
            client.close().sync();
            listener.closeAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
            listener.serverChannels().forEach(s -> assertTrue(!s.isOpen(), "closing the listener closes " + s));
        }
    }

    @Test
    void withListenerPerLoopOffOneSocketAcceptsForAllLoops() throws Exception {
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                .workerThreads(WORKERS).nativeTransport(true).listenerPerLoop(false).build())) {
            DirectListener listener = (DirectListener) await(engine.listen(null, 0, new Accepted()));
            assertEquals(1, listener.serverChannels().size());
            assertEquals(LINUX_X86_64 ? "epoll" : "nio", engine.ioName());
        }
    }

    @Test
    void nativeTransportOffRunsOnNio() throws Exception {
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                .workerThreads(WORKERS).nativeTransport(false).build())) {
            Accepted accepted = new Accepted();
            DirectListener listener = (DirectListener) await(engine.listen(null, 0, accepted));
            Channel client = await(engine.connect(listener.address(), DirectTransportEngineTest.init(ch -> { })));

            assertEquals("nio", engine.ioName());
            assertEquals(1, listener.serverChannels().size(), "NIO has no SO_REUSEPORT group: one socket");
            assertInstanceOf(NioServerSocketChannel.class, listener.serverChannels().get(0));
            assertInstanceOf(NioSocketChannel.class, client);
            assertInstanceOf(NioSocketChannel.class, accepted.first.get(10, TimeUnit.SECONDS));
            client.close().sync();
        }
    }

    @Test
    void whereEpollDoesNotLoadItFallsBackToNioAndSaysWhy() throws Exception {
        // Netty's own switch makes the native library unavailable, as on a system it does not support.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Dio.netty.transport.noNative=true",
                "-cp", System.getProperty("java.class.path"), NioFallbackProbe.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish: " + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("direct transport I/O: NIO, because the native epoll transport is unavailable "
                + "here"), "the log names the fallback and its reason: " + output);
        assertTrue(output.contains("noNative"), "the reason is Netty's: " + output);
        assertTrue(output.contains("probe: io=nio echoed=true"), output);
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Records the first accepted stream. */
    private static final class Accepted extends ChannelInitializer<Channel> {
        final CompletableFuture<Channel> first = new CompletableFuture<>();

        @Override
        protected void initChannel(Channel ch) {
            first.complete(ch);
        }
    }

    /** Run in a JVM of its own by {@link #whereEpollDoesNotLoadItFallsBackToNioAndSaysWhy()}. */
    static final class NioFallbackProbe {
        public static void main(String[] args) throws Exception {
            try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                    .nativeTransport(true).build())) {
                Listener listener = await(engine.listen(null, 0, DirectTransportEngineTest.init(
                        ch -> ch.pipeline().addLast(new EchoHandler()))));
                boolean echoed;
                try (Socket s = new Socket("127.0.0.1", listener.address().port())) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(42);
                    echoed = s.getInputStream().read() == 42;
                } catch (IOException e) {
                    echoed = false;
                }
                System.out.println("probe: io=" + engine.ioName() + " echoed=" + echoed);
            }
        }
    }
}
