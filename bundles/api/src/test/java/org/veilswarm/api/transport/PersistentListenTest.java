package org.veilswarm.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;

class PersistentListenTest {
    private static final ChannelInitializer<Channel> NOTHING = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };
    private static final ServiceKey KEY = new ServiceKey() {
        @Override
        public OnionAddress address() {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public byte[] expandedSecretKey() {
            return new byte[64];
        }
    };

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private PersistentListen start(NotReadyTransport transport) {
        return PersistentListen.start(transport, KEY, 80, NOTHING, timer, Duration.ofMillis(5), Duration.ofMillis(20),
                (error, wait) -> {
                    failures.add(error);
                    waits.add(wait);
                });
    }

    @Test
    void aTransportThatIsNotReadyYetIsAskedAgainWithDoublingDelaysUntilItListens() throws Exception {
        NotReadyTransport transport = new NotReadyTransport(4);
        PersistentListen listen = start(transport);

        Listener listener = listen.listener().get(20, TimeUnit.SECONDS);
        assertTrue(listener.isOpen());
        assertEquals(5, transport.attempts.get());
        assertEquals(List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(20)),
                waits, "doubling, capped");
        assertTrue(failures.stream().allMatch(e -> e.getMessage().equals("no directory bound")), failures.toString());

        listen.close();
        assertFalse(listener.isOpen(), "closing the persistent listen closes what it opened");
    }

    @Test
    void closedBeforeTheTransportListensItStopsAskingAndItsListenerIsCancelled() throws Exception {
        NotReadyTransport transport = new NotReadyTransport(Integer.MAX_VALUE);
        PersistentListen listen = start(transport);
        awaitAttempts(transport, 3);

        listen.close();
        int after = transport.attempts.get();
        assertTrue(listen.listener().isCancelled());
        // A retry already running when close came may still ask once; none is scheduled after it.
        timer.schedule(() -> { }, 100, TimeUnit.MILLISECONDS).get(20, TimeUnit.SECONDS);
        assertTrue(transport.attempts.get() <= after + 1, after + " -> " + transport.attempts.get());
    }

    @Test
    void closingCancelsTheAttemptTheTransportHasUnderWay() throws Exception {
        CompletableFuture<Listener> underWay = new CompletableFuture<>();
        PersistentListen listen = start(answering(underWay));
        assertFalse(underWay.isDone());
        listen.close();
        assertTrue(underWay.isCancelled(), "the transport is told to abandon the listen (Transport's contract)");
        assertTrue(listen.listener().isCancelled());
    }

    @Test
    void aListenerThatOpensAfterTheCloseIsClosedAtOnce() throws Exception {
        // A stage that cannot be cancelled from outside (a minimal stage): the transport opens the listener anyway.
        CompletableFuture<Listener> late = new CompletableFuture<>();
        PersistentListen listen = start(answering(late.minimalCompletionStage()));
        listen.close();
        OpenListener opened = new OpenListener();
        late.complete(opened);
        assertFalse(opened.isOpen());
    }

    /** A transport whose every listen answers {@code stage}. */
    private static NotReadyTransport answering(CompletionStage<Listener> stage) {
        return new NotReadyTransport(0) {
            @Override
            public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> init) {
                attempts.incrementAndGet();
                return stage;
            }
        };
    }

    @Test
    void aTransportThatThrowsInsteadOfFailingItsStageIsRetriedToo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        NotReadyTransport transport = new NotReadyTransport(0) {
            @Override
            public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> init) {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("bootstrapping");
                }
                return super.listen(key, port, init);
            }
        };
        Listener listener = start(transport).listener().get(20, TimeUnit.SECONDS);
        assertTrue(listener.isOpen());
        assertEquals("bootstrapping", failures.get(0).getMessage());
    }

    @Test
    void badDelaysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PersistentListen.start(new NotReadyTransport(0), KEY, 1,
                NOTHING, timer, Duration.ZERO, Duration.ofSeconds(1), (e, w) -> { }));
        assertThrows(IllegalArgumentException.class, () -> PersistentListen.start(new NotReadyTransport(0), KEY, 1,
                NOTHING, timer, Duration.ofSeconds(2), Duration.ofSeconds(1), (e, w) -> { }));
    }

    private static void awaitAttempts(NotReadyTransport transport, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (transport.attempts.get() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("only " + transport.attempts.get() + " attempts");
            }
            Thread.sleep(5);
        }
    }

    /** A transport that fails its first {@code refusals} listens, as one without a directory does. */
    private static class NotReadyTransport implements Transport {
        final AtomicInteger attempts = new AtomicInteger();
        private final int refusals;

        NotReadyTransport(int refusals) {
            this.refusals = refusals;
        }

        @Override
        public TransportInfo info() {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public boolean canReach(TransportAddress address) {
            return false;
        }

        @Override
        public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> init) {
            if (attempts.incrementAndGet() <= refusals) {
                return CompletableFuture.failedFuture(new IllegalStateException("no directory bound"));
            }
            return CompletableFuture.completedFuture(new OpenListener());
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }

        @Override
        public RelayCounters relayCounters() {
            throw new UnsupportedOperationException("not needed here");
        }
    }

    private static final class OpenListener implements Listener {
        private volatile boolean open = true;

        @Override
        public TransportAddress address() {
            return new TransportAddress("127.0.0.1", 80);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public CompletionStage<Void> closeAsync() {
            open = false;
            return CompletableFuture.completedFuture(null);
        }
    }
}
