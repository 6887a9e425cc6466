package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.InfoHashes;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.peerwire.metadata.ExpectedInfoHashes;
import org.veilswarm.peerwire.metadata.MetadataAssembler;
import org.veilswarm.peerwire.metadata.MetadataFetchHandler;
import org.veilswarm.peerwire.metadata.MetadataOptions;

/**
 * BEP 9 against libtorrent 2.0: libtorrent seeds a folder of 300 files (its info dictionary spans
 * several 16 KiB metadata pieces) as a v2 and as a hybrid torrent; our {@link MetadataFetchHandler},
 * knowing only the info-hash(es), fetches the dictionary over 127.0.0.1 and it equals, byte for byte,
 * the {@code info} of the {@code .torrent} libtorrent wrote (read only to check the result). The hybrid
 * connects with its v1 hash plus the upgrade bit and verifies both SHA-1 and SHA-256.
 */
@ExtendWith(LeakRecorder.class)
class LibtorrentMetadataInteropTest {

    private static final int OUR_UT_METADATA = 3;

    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        LibtorrentPeer.requireAvailable();
        group = new NioEventLoopGroup(1);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest(name = "hybrid={0}")
    @ValueSource(booleans = {false, true})
    void fetchesTheInfoDictionaryFromLibtorrentKnowingOnlyTheInfoHash(boolean hybrid) throws Exception {
        Path share = Files.createDirectories(dir.resolve("share"));
        for (int i = 0; i < 300; i++) {
            Files.writeString(share.resolve(String.format("file-%04d-with-a-name-long-enough-to-matter.txt", i)),
                    "file " + i + "\n".repeat(1 + i % 5));
        }
        Path torrentFile = dir.resolve("lt.torrent");
        try (LibtorrentPeer seeder = LibtorrentPeer.start(share, 16 * 1024, hybrid, torrentFile)) {
            InfoHashes hashes = MetainfoParser.strict().parse(Files.readAllBytes(torrentFile)).infoHashes();
            // What a magnet link carries: btmh (and btih for a hybrid). The piece count is unknown (-1).
            ExpectedInfoHashes expected = new ExpectedInfoHashes(java.util.Optional.of(hashes.v2()), hashes.v1());
            KnownTorrent wanted = new KnownTorrent(hashes, -1);
            MetadataAssembler<Channel> assembler = new MetadataAssembler<>(expected, MetadataOptions.DEFAULT);
            List<Object> errors = new CopyOnWriteArrayList<>();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                    c.pipeline().addLast("peer", HandshakeHandler.initiator(wanted, hybrid, "-VS0100-metainterop1".getBytes(),
                            PeerWireLimits.DEFAULT, OUR_UT_METADATA));
                    c.pipeline().addLast(new MetadataFetchHandler(assembler, OUR_UT_METADATA, "Veilswarm test",
                            System::nanoTime, Duration.ofMillis(200)));
                    c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            errors.add(cause);
                        }
                    });
                }
            }).connect("127.0.0.1", seeder.port).sync().channel();
            try {
                InfoDictionary got = assembler.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
                Metainfo original = MetainfoParser.strict().parse(Files.readAllBytes(torrentFile));
                System.out.printf("libtorrent %s, hybrid=%s: fetched %d bytes of metadata (%d pieces)%n", seeder.version,
                        hybrid, got.size(), (got.size() + 16383) / 16384);
                assertEquals(List.of(), errors);
                assertArrayEquals(original.info().bytes(), got.bytes(), "the info dictionary libtorrent wrote");
                assertEquals(hashes, got.infoHashes());
                assertEquals(hybrid, got.isHybrid());
                org.junit.jupiter.api.Assertions.assertTrue(got.size() > 2 * 16384, "several metadata pieces: " + got.size());
            } finally {
                ch.close().sync();
            }
        }
    }
}
