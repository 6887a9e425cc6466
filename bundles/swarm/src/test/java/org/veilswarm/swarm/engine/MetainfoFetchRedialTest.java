package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * A magnet fetch whose first dials fail, as an onion peer's do on a network seconds old (a rendezvous circuit
 * destroyed on the way): the fetch dials the peer again instead of waiting idle for its timeout, and a fetch that
 * times out says what each peer did. Real TCP on 127.0.0.1; the failures come from a transport in front of it.
 */
class MetainfoFetchRedialTest {

    @TempDir
    Path dir;

    private final DirectTransportEngine direct = Loopback.transport();
    private final List<SwarmEngine> engines = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(SwarmEngine::close);
        direct.close();
    }

    @Test
    void aPeerWhoseFirstDialsFailIsDialledAgainUntilTheMetadataArrives() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "share", 51, 100 * 16_384, 20_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine seeder = Loopback.engine(direct);
        engines.add(seeder);
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, direct);

        FailingFirst flaky = new FailingFirst(direct, 2);
        SwarmEngine downloader = new SwarmEngine(EngineConfig.defaults());
        downloader.addTransport(flaky);
        engines.add(downloader);
        // The old fetch dialled each peer once: with both first dials failed it waited out its 20 s and failed.
        TorrentSession session = downloader.addFromInfoHash(t.metainfo().infoHashes().v2(), List.of(address),
                dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults(), Duration.ofSeconds(20))
                .get(30, TimeUnit.SECONDS);
        assertTrue(flaky.dials.get() >= 3, "dialled " + flaky.dials.get() + " times");
        assertEquals(t.metainfo().infoHashes(), session.metainfo().infoHashes());
        session.completion().get(30, TimeUnit.SECONDS);
        Loopback.assertSameTree(content, dir.resolve("dl").resolve("share"));
    }

    /** The fetch's timeout no longer holds a finished fetch (and its engine) on the JDK's timer until it passes. */
    @Test
    void aFinishedFetchIsNotKeptUntilItsTimeout() throws Exception {
        SwarmEngine engine = new SwarmEngine(EngineConfig.defaults());
        engines.add(engine);
        MetainfoFetch fetch = new MetainfoFetch(engine, HashValue.of(new byte[32]));
        fetch.timeoutAfter(Duration.ofHours(1));
        java.lang.ref.WeakReference<MetainfoFetch> kept = new java.lang.ref.WeakReference<>(fetch);
        fetch.result().cancel(false); // the download was removed before the metadata came
        fetch = null;
        for (int i = 0; i < 100 && kept.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(kept.get(), "a fetch that ended is still held");
    }

    @Test
    void aFetchThatTimesOutSaysWhatEachPeerDid() throws Exception {
        FailingFirst dead = new FailingFirst(direct, Integer.MAX_VALUE);
        SwarmEngine downloader = new SwarmEngine(EngineConfig.defaults());
        downloader.addTransport(dead);
        engines.add(downloader);
        TransportAddress peer = new TransportAddress("127.0.0.1", 9);
        ExecutionException e = assertThrows(ExecutionException.class, () -> downloader.addFromInfoHash(
                org.veilswarm.metainfo.HashValue.of(new byte[32]), List.of(peer), dir.resolve("dl"),
                dir.resolve("state"), TorrentOptions.defaults(), Duration.ofMillis(2500)).get(20, TimeUnit.SECONDS));
        TimeoutException timeout = assertInstanceOf(TimeoutException.class, e.getCause());
        String message = timeout.getMessage();
        assertTrue(message.contains("127.0.0.1:9") && message.contains("OTHER rendezvous circuit destroyed (test)"),
                message);
        assertTrue(dead.dials.get() >= 2, "dialled " + dead.dials.get() + " times within 2.5 s");
    }

    /** Fails the first {@code failures} connects as a destroyed onion circuit would, then dials for real. */
    private static final class FailingFirst extends ForwardingTransport {
        private final int failures;
        final AtomicInteger dials = new AtomicInteger();

        FailingFirst(Transport inner, int failures) {
            super(inner);
            this.failures = failures;
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
            if (dials.incrementAndGet() <= failures) {
                return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.OTHER,
                        "rendezvous circuit destroyed (test)"));
            }
            return inner.connect(to, initializer);
        }
    }
}
