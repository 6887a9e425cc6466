package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.transport.Listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;

/**
 * A listener accepts on the engine's I/O loops (there is no acceptor thread) and its streams use every loop, so
 * the many peers that reach a node through one listener do not share one thread: with NIO one loop accepts and
 * hands the streams round robin to all; with epoll each loop accepts on its own {@code SO_REUSEPORT} socket and
 * the kernel spreads connections by a hash of their addresses, so enough connections are made that a loop
 * missing out by chance is negligible (3 × (2/3)^60, below 10^-10).
 */
@ExtendWith(NettyLeakCheck.class)
class AcceptOnIoLoopTest {
    private static final int WORKERS = 3;
    private static final int CONNECTIONS = 20 * WORKERS;

    @ParameterizedTest(name = "nativeTransport={0}")
    @ValueSource(booleans = {true, false})
    void oneListenersStreamsUseEveryLoopAndNoAcceptorThreadExists(boolean nativeTransport) throws Exception {
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                .workerThreads(WORKERS).nativeTransport(nativeTransport).build())) {
            ConcurrentLinkedQueue<Channel> accepted = new ConcurrentLinkedQueue<>();
            CountDownLatch all = new CountDownLatch(CONNECTIONS);
            ChannelInitializer<Channel> record = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    accepted.add(ch);
                    all.countDown();
                }
            };
            Listener listener = engine.listen(null, 0, record).toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", listener.address().port()), 5_000);
                }
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), "not every connection was accepted");
            Set<EventLoop> loops = new HashSet<>();
            for (Channel ch : accepted) {
                loops.add(ch.eventLoop());
            }
            assertEquals(WORKERS, loops.size(), "one listener's streams should use every I/O loop");
            Set<String> acceptors = new HashSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getName().startsWith(DirectTransportEngine.THREAD_NAME_PREFIX + "accept")) {
                    acceptors.add(t.getName());
                }
            }
            assertEquals(Set.of(), acceptors, "no separate acceptor thread");
        }
    }
}
