package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.peerwire.Handshake;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;

/**
 * After a magnet fetch the new torrent connects to the same peers again, while the fetch closes its own
 * connections. A seeder that handles the torrent's connection before it has seen the fetch's connection end must
 * not take the new one for a duplicate of the old: with the same peer id on both, it closed the new one (same
 * direction: the existing connection stays) and the download sat with no peer until the test's 30 s timeout. That
 * was the stall of {@code MagnetDownloadTest} and {@code MetainfoFetchRepliesTest} once the direct transport ran
 * on epoll with one listening socket per event loop: the seeder's two connections could then land on different
 * loops, so the fetch connection's end and the new connection's handshake raced to the seeder's torrent thread
 * (on NIO both landed on the same loop in these tests, end first). Here the fetch's connection is kept open until
 * the seeder has decided on the new one, so that order is certain on either I/O.
 */
class MagnetFetchThenDownloadTest {
    private static final long DECISION_SECONDS = 20;

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private final List<SwarmEngine> engines = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(SwarmEngine::close);
        transport.close();
    }

    @Test
    void theDownloadKeepsItsConnectionWhileTheSeederStillHasTheFetchConnection() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "late.bin", 61, 40 * 16_384 - 500);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine seeder = new SwarmEngine(EngineConfig.defaults());
        engines.add(seeder);
        seeder.addTransport(transport);
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, transport);

        FetchClosesLate leecherTransport = new FetchClosesLate(transport);
        SwarmEngine leecher = new SwarmEngine(EngineConfig.defaults());
        engines.add(leecher);
        leecher.addTransport(leecherTransport);
        TorrentSession session = leecher.addFromInfoHash(t.metainfo().infoHashes().v2(), List.of(address),
                dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults(), Duration.ofSeconds(20))
                .get(30, TimeUnit.SECONDS);

        assertEquals(FetchClosesLate.KEPT, leecherTransport.secondConnection.get(DECISION_SECONDS + 5, TimeUnit.SECONDS),
                "what the seeder did with the torrent's connection while the fetch's connection was still open");
        session.completion().get(30, TimeUnit.SECONDS);
        Loopback.assertSameTree(content, dir.resolve("dl").resolve("late.bin"));
    }

    /**
     * The direct transport, but the first connection (the fetch's) closes only once the second (the torrent's)
     * has been kept by the seeder (more than its handshake arrived: the seeder attached it and sent its first
     * messages) or closed by it.
     */
    private static final class FetchClosesLate extends ForwardingTransport {
        static final String KEPT = "kept: the seeder sent messages after its handshake";
        static final String CLOSED = "closed by the seeder after its handshake, before any message";

        private final AtomicInteger connects = new AtomicInteger();
        final CompletableFuture<String> secondConnection = new CompletableFuture<String>()
                .completeOnTimeout("no decision within " + DECISION_SECONDS + " s", DECISION_SECONDS, TimeUnit.SECONDS);

        FetchClosesLate(Transport inner) {
            super(inner);
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
            int n = connects.incrementAndGet();
            return inner.connect(to, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(initializer);
                    if (n == 1) {
                        ch.pipeline().addFirst(new CloseAfterSecondDecided());
                    } else if (n == 2) {
                        ch.pipeline().addFirst(new WatchSecond());
                    }
                }
            });
        }

        /** First in the fetch connection's pipeline: every close passes here on its way to the socket. */
        private final class CloseAfterSecondDecided extends ChannelDuplexHandler {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                secondConnection.whenComplete((v, e) -> ctx.executor().execute(() -> ctx.close(promise)));
            }
        }

        /** First in the torrent connection's pipeline: sees its raw bytes and its end. */
        private final class WatchSecond extends ChannelInboundHandlerAdapter {
            private long received;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf bytes) {
                    received += bytes.readableBytes();
                    if (received > Handshake.LENGTH) {
                        secondConnection.complete(KEPT);
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                secondConnection.complete(CLOSED);
                ctx.fireChannelInactive();
            }
        }
    }
}
