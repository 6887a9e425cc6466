package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentCreator;
import org.veilswarm.metainfo.TorrentMode;

/**
 * The other direction: libtorrent 2.0 downloads from a seeder written with this codec, starting from a
 * magnet link alone (v2: btmh; hybrid: btmh and btih). It must fetch the info dictionary through BEP 9
 * (served by {@link org.veilswarm.peerwire.metadata.MetadataServer}), the piece layer through BEP 52 hash
 * requests, then every block, and end up seeding with no hash failure: our encoder's piece, metadata and
 * hashes messages are what a real client expects.
 */
@ExtendWith(LeakRecorder.class)
class LibtorrentDownloadsFromUsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void libtorrentIsInstalled() throws Exception {
        LibtorrentPeer.requireAvailable();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TorrentMode.class)
    void libtorrentDownloadsFromAMagnetLink(TorrentMode mode) throws Exception {
        byte[] bytes = new byte[300_000];
        new Random(9).nextBytes(bytes);
        Path data = dir.resolve("data.bin");
        Files.write(data, bytes);
        CreatedTorrent created = TorrentCreator.forPath(data).mode(mode).pieceLength(64 * 1024).create();
        KnownTorrent torrent = new KnownTorrent(created.metainfo().infoHashes(), created.metainfo().info().pieceCount());

        EventLoopGroup group = new NioEventLoopGroup(1);
        ByteBuf content = Unpooled.wrappedBuffer(bytes);
        List<TestSeeder> seeders = new CopyOnWriteArrayList<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            TestSeeder seeder = new TestSeeder(created.metainfo(), content);
                            seeders.add(seeder);
                            c.pipeline().addLast("peer", HandshakeHandler.responder(
                                    h -> h.equals(torrent.infoHashes().v2Truncated()) || torrent.infoHashes().v1().map(h::equals).orElse(false)
                                            ? Optional.of(torrent) : Optional.empty(),
                                    "-VS0100-testseeder01".getBytes(), PeerWireLimits.DEFAULT, TestSeeder.OUR_UT_METADATA));
                            c.pipeline().addLast(seeder);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            // BEP 52 magnet: btmh (multihash 0x12 0x20 = SHA-256) and, for a hybrid, btih as well.
            String magnet = "magnet:?xt=urn:btmh:1220" + torrent.infoHashes().v2().hex()
                    + torrent.infoHashes().v1().map(v1 -> "&xt=urn:btih:" + v1.hex()).orElse("") + "&dn=data.bin";

            Path downloads = Files.createDirectory(dir.resolve("downloads"));
            Map<String, String> result = LibtorrentPeer.download(magnet, downloads, port);
            List<String> served = seeders.stream().flatMap(s -> s.served.stream()).toList();
            System.out.println("libtorrent download: " + result + "\nrequests it sent us: " + served);

            assertEquals("1", result.get("metadata"), () -> "metadata through BEP 9: " + result);
            assertEquals("0", result.get("hash_failures"), () -> "" + result);
            assertEquals("1", result.get("seeding"), () -> "complete: " + result + "\n" + served);
            assertEquals("5", result.get("pieces"));
            assertTrue(served.stream().anyMatch(s -> s.startsWith("HashRequest")), "piece layer fetched with hash requests");
            assertArrayEquals(bytes, Files.readAllBytes(downloads.resolve("data.bin")));
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            content.release();
        }
    }
}
