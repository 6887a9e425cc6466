package org.veilswarm.peerwire.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.peerwire.ExtendedHandshake;
import org.veilswarm.peerwire.HandshakeCompleted;
import org.veilswarm.peerwire.HandshakeHandler;
import org.veilswarm.peerwire.KnownTorrent;
import org.veilswarm.peerwire.LeakRecorder;
import org.veilswarm.peerwire.MetadataData;
import org.veilswarm.peerwire.MetadataRequest;
import org.veilswarm.peerwire.PeerMessage;
import org.veilswarm.peerwire.PeerWireLimits;

/**
 * {@link MetadataFetchHandler} in real pipelines (Netty local channels, the full handshake and codec):
 * a downloader knowing only the info-hash gets the dictionary from a {@link MetadataServer} peer; a peer
 * that serves corrupted metadata is caught, disconnected and never used again, and an honest peer that
 * connects later completes the download.
 */
@ExtendWith(LeakRecorder.class)
class MetadataFetchHandlerTest {

    private static final int OUR_ID = 3;
    private static final int SERVER_ID = 9;

    private static InfoDictionary info;
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        info = Torrents.folder(dir, 300, TorrentMode.V2_ONLY).metainfo().info();
        group = new DefaultEventLoopGroup(2);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    enum Behaviour { HONEST, LIAR, REFUSER }

    /**
     * Serves metadata from a {@link MetadataServer}; a liar flips one byte of every piece it sends, a
     * refuser announces the metadata but rejects every request (as libtorrent does when it is flooded).
     */
    private static final class ServingPeer extends ChannelInboundHandlerAdapter {
        private final MetadataServer server = MetadataServer.of(info);
        static final java.util.concurrent.atomic.AtomicInteger REFUSALS = new java.util.concurrent.atomic.AtomicInteger();
        private final Behaviour behaviour;
        private int theirId;

        ServingPeer(Behaviour behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeCompleted) {
                ctx.writeAndFlush(ExtendedHandshake.builder().extension(ExtendedHandshake.UT_METADATA, SERVER_ID)
                        .metadataSize(server.metadataSize()).build());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            try {
                if (msg instanceof ExtendedHandshake h) {
                    theirId = h.extensionId(ExtendedHandshake.UT_METADATA).orElse(0);
                } else if (msg instanceof MetadataRequest r && behaviour == Behaviour.REFUSER) {
                    ctx.writeAndFlush(new org.veilswarm.peerwire.MetadataReject(theirId, r.piece()));
                    REFUSALS.incrementAndGet();
                } else if (msg instanceof MetadataRequest r) {
                    PeerMessage answer = server.answer(r, theirId);
                    if (behaviour == Behaviour.LIAR && answer instanceof MetadataData d) {
                        ByteBuf copy = Unpooled.copiedBuffer(d.content());
                        d.release();
                        copy.setByte(0, copy.getByte(0) ^ 1);
                        answer = new MetadataData(theirId, r.piece(), server.metadataSize(), copy);
                    }
                    ctx.writeAndFlush(answer);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static LocalAddress serve(String name, boolean liar) throws InterruptedException {
        return serve(name, liar ? Behaviour.LIAR : Behaviour.HONEST);
    }

    private static LocalAddress serve(String name, Behaviour behaviour) throws InterruptedException {
        LocalAddress address = new LocalAddress(name + "-" + System.nanoTime());
        KnownTorrent torrent = new KnownTorrent(info.infoHashes(), info.pieceCount());
        new ServerBootstrap().group(group).channel(LocalServerChannel.class).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("peer", HandshakeHandler.responder(
                        h -> h.equals(torrent.infoHashes().v2Truncated()) ? Optional.of(torrent) : Optional.empty(),
                        "-VS0100-metaserver01".getBytes(), PeerWireLimits.DEFAULT, SERVER_ID));
                ch.pipeline().addLast(new ServingPeer(behaviour));
            }
        }).bind(address).sync();
        return address;
    }

    private static Channel connect(LocalAddress to, MetadataAssembler<Channel> assembler, BlockingQueue<Object> events)
            throws InterruptedException {
        // Only the info-hash: the piece count is unknown (-1) until the metadata is here.
        KnownTorrent wanted = new KnownTorrent(info.infoHashes(), -1);
        return new Bootstrap().group(group).channel(LocalChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("peer", HandshakeHandler.initiator(wanted, false, "-VS0100-metaclient01".getBytes(),
                        PeerWireLimits.DEFAULT, OUR_ID));
                ch.pipeline().addLast(new MetadataFetchHandler(assembler, OUR_ID, "Veilswarm test", System::nanoTime,
                        Duration.ofMillis(50)));
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof MetadataFetchHandler.MetadataReceived) {
                            events.add(evt);
                        }
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        events.add(cause);
                    }
                });
            }
        }).connect(to).sync().channel();
    }

    @Test
    void fetchesTheDictionaryKnowingOnlyTheInfoHash() throws Exception {
        MetadataAssembler<Channel> assembler = new MetadataAssembler<>(ExpectedInfoHashes.v2(info.infoHashes().v2()),
                MetadataOptions.DEFAULT.withMaxRequestsPerPeer(2));
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Channel ch = connect(serve("honest", false), assembler, events);
        InfoDictionary got = assembler.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertArrayEquals(info.bytes(), got.bytes());
        Object event = events.poll(5, TimeUnit.SECONDS);
        assertTrue(event instanceof MetadataFetchHandler.MetadataReceived r && r.info() == got, "event fired: " + event);
        ch.close().sync();
    }

    @Test
    void withTwoPeersEveryConnectionLearnsOfTheResult() throws Exception {
        MetadataAssembler<Channel> assembler = new MetadataAssembler<>(ExpectedInfoHashes.v2(info.infoHashes().v2()),
                MetadataOptions.DEFAULT.withMaxRequestsPerPeer(1));
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Channel one = connect(serve("one", false), assembler, events);
        Channel two = connect(serve("two", false), assembler, events);
        InfoDictionary got = assembler.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertArrayEquals(info.bytes(), got.bytes());
        for (int i = 0; i < 2; i++) {
            Object event = events.poll(5, TimeUnit.SECONDS);
            assertTrue(event instanceof MetadataFetchHandler.MetadataReceived r && r.info() == got, "event " + i + ": " + event);
        }
        one.close().sync();
        two.close().sync();
    }

    @Test
    void piecesARefusingPeerRejectsAreFetchedFromAnotherAndTheRefuserStaysConnected() throws Exception {
        // A timeout far beyond the test's wait: only the handling of the rejects can move the pieces.
        MetadataAssembler<Channel> assembler = new MetadataAssembler<>(ExpectedInfoHashes.v2(info.infoHashes().v2()),
                MetadataOptions.DEFAULT.withRequestTimeout(Duration.ofMinutes(5)));
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        int before = ServingPeer.REFUSALS.get();
        Channel refuser = connect(serve("refuser", Behaviour.REFUSER), assembler, events);
        // Let the refuser be asked and reject first; then an honest peer joins.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ServingPeer.REFUSALS.get() == before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(ServingPeer.REFUSALS.get() > before, "the refuser was asked first");
        Channel honest = connect(serve("honest", Behaviour.HONEST), assembler, events);
        InfoDictionary got = assembler.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertArrayEquals(info.bytes(), got.bytes());
        assertTrue(refuser.isActive(), "rejecting is allowed (BEP 9), not misbehaviour");
        assertEquals(java.util.Set.of(), assembler.banned());
        refuser.close().sync();
        honest.close().sync();
    }

    @Test
    void aPeerServingCorruptedMetadataIsDisconnectedAndAnHonestOneCompletes() throws Exception {
        MetadataAssembler<Channel> assembler = new MetadataAssembler<>(ExpectedInfoHashes.v2(info.infoHashes().v2()),
                MetadataOptions.DEFAULT);
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Channel liar = connect(serve("liar", true), assembler, events);
        assertTrue(liar.closeFuture().await(20, TimeUnit.SECONDS), "the liar is disconnected");
        assertEquals(java.util.Set.of(liar), assembler.banned());
        assertFalse(assembler.isDone());

        Channel honest = connect(serve("honest", false), assembler, events);
        InfoDictionary got = assembler.completion().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertArrayEquals(info.bytes(), got.bytes());
        honest.close().sync();
    }

    /**
     * A fetch that never completes must not keep its closed connections: each connection's completion
     * callback holds its pipeline, so it is dropped when the connection goes.
     */
    @Test
    void aClosedConnectionIsNotKeptReachableByAnUnfinishedFetch() throws Exception {
        MetadataAssembler<Channel> assembler = new MetadataAssembler<>(ExpectedInfoHashes.of(info.infoHashes()),
                MetadataOptions.DEFAULT);
        java.lang.ref.WeakReference<Channel> closed = connectAndClose(assembler);
        for (int i = 0; i < 100 && closed.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(closed.get() == null, "the closed channel is still reachable from the assembler");
        assertFalse(assembler.isDone());
    }

    private static java.lang.ref.WeakReference<Channel> connectAndClose(MetadataAssembler<Channel> assembler) {
        io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel(
                new MetadataFetchHandler(assembler, OUR_ID, "test", System::nanoTime, Duration.ofSeconds(1)));
        channel.pipeline().fireUserEventTriggered(new HandshakeCompleted(null, null,
                org.veilswarm.peerwire.ProtocolVersion.V2));
        channel.writeInbound(ExtendedHandshake.builder().extension(ExtendedHandshake.UT_METADATA, SERVER_ID)
                .metadataSize(info.size()).build());
        assertTrue(assembler.pendingRequests() > 0, "the connection took part in the fetch");
        channel.finishAndReleaseAll();
        return new java.lang.ref.WeakReference<>(channel);
    }
}
