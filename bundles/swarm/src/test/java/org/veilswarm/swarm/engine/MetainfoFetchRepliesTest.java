package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.peerwire.Hashes;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * How the BEP 52 part of a magnet fetch treats peers whose {@code hashes} replies are odd but provable:
 * a reply counts once for the range it answers, whatever the peer sends again.
 */
class MetainfoFetchRepliesTest {

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private final List<SwarmEngine> engines = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(SwarmEngine::close);
        transport.close();
    }

    private SwarmEngine engine() {
        SwarmEngine e = Loopback.engine(transport);
        engines.add(e);
        return e;
    }

    /**
     * 640 pieces: the layer comes in two requests of 512. The seeder sends every {@code hashes} reply
     * twice, so the first range's two copies arrive before the second range: counting replies instead of
     * ranges would validate a half-empty layer and fail the whole fetch.
     */
    @Test
    void aPeerAnsweringEveryRangeTwiceStillGivesTheLayers() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "twice.bin", 51, 640 * 16_384 - 1000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine seeder = engine();
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        AtomicInteger duplicated = new AtomicInteger();
        Listener listener = seeder.listen(new RepliesTwice(transport, duplicated), null, 0).toCompletableFuture().join();

        TorrentSession session = engine().addFromInfoHash(t.metainfo().infoHashes().v2(), List.of(listener.address()),
                dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults(), Duration.ofSeconds(20))
                .get(30, TimeUnit.SECONDS);
        assertEquals(t.metainfo().pieceLayers().asMap().keySet(), session.metainfo().pieceLayers().asMap().keySet());
        for (var layer : t.metainfo().pieceLayers().asMap().entrySet()) {
            assertArrayEquals(layer.getValue(), session.metainfo().pieceLayers().asMap().get(layer.getKey()));
        }
        assertTrue(duplicated.get() >= 2, "the seeder sent both ranges twice, not " + duplicated.get());
        session.completion().get(30, TimeUnit.SECONDS);
        Loopback.assertSameTree(content, dir.resolve("dl").resolve("twice.bin"));
    }

    /** The direct transport, but every accepted connection writes each {@code hashes} message twice. */
    private static final class RepliesTwice extends ForwardingTransport {
        private final AtomicInteger duplicated;

        RepliesTwice(Transport inner, AtomicInteger duplicated) {
            super(inner);
            this.duplicated = duplicated;
        }

        @Override
        public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
            return inner.listen(key, port, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(childInitializer);
                    // Last in the pipeline: the torrent writes on the channel, so its messages pass here first.
                    ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                        @Override
                        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                            if (msg instanceof Hashes) {
                                duplicated.incrementAndGet();
                                ctx.write(msg);
                            }
                            ctx.write(msg, promise);
                        }
                    });
                }
            });
        }
    }
}
