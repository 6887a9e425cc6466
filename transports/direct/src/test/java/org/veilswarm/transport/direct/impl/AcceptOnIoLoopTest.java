package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.transport.Listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;

/**
 * Listeners accept on an I/O loop and each inbound stream stays on the loop that accepted it (no acceptor
 * thread, no cross-thread hand-off per connection); several listeners spread over the loops.
 */
@ExtendWith(NettyLeakCheck.class)
class AcceptOnIoLoopTest {
    private static final int CONNECTIONS = 20;

    @Test
    void inboundStreamsRunOnTheLoopThatAcceptedThemAndListenersSpreadOverLoops() throws Exception {
        try (DirectTransportEngine engine = new DirectTransportEngine(
                DirectTransportSettings.builder().workerThreads(2).build())) {
            ConcurrentLinkedQueue<Channel> accepted = new ConcurrentLinkedQueue<>();
            CountDownLatch all = new CountDownLatch(2 * CONNECTIONS);
            ChannelInitializer<Channel> record = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    assertTrue(ch.eventLoop().inEventLoop());
                    accepted.add(ch);
                    all.countDown();
                }
            };
            Listener first = engine.listen(null, 0, record).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Listener second = engine.listen(null, 0, record).toCompletableFuture().get(10, TimeUnit.SECONDS);
            List<DirectListener> listeners = List.of((DirectListener) first, (DirectListener) second);
            EventLoop firstLoop = listeners.get(0).serverChannel().eventLoop();
            EventLoop secondLoop = listeners.get(1).serverChannel().eventLoop();
            assertNotEquals(firstLoop, secondLoop, "two listeners on two loops should not share one");
            for (int i = 0; i < CONNECTIONS; i++) {
                for (Listener l : List.of(first, second)) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", l.address().port()), 5_000);
                    }
                }
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), "not every connection was accepted");
            Set<Thread> threads = new HashSet<>();
            for (Channel ch : accepted) {
                EventLoop expected = ((InetSocketAddress) ch.localAddress()).getPort() == first.address().port()
                        ? firstLoop : secondLoop;
                assertEquals(expected, ch.eventLoop(), "a stream was handed to another loop than its listener's");
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.isAlive() && t.getName().startsWith(DirectTransportEngine.THREAD_NAME_PREFIX + "accept")) {
                    threads.add(t);
                }
            }
            assertEquals(Set.of(), threads, "no separate acceptor thread");
        }
    }
}
