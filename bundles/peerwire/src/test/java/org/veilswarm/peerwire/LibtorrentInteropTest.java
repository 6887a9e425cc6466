package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.MerkleTree;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoParser;

/**
 * Our codec against libtorrent 2.0 (python3-libtorrent) seeding a v2 and a hybrid torrent on 127.0.0.1:
 * handshake (for the hybrid: v1 hash plus upgrade bit, answered with the truncated v2 hash), BEP 10
 * handshake, have-all/bitfield, interested/unchoke, blocks of piece 0 checked against the piece layer,
 * BEP 9 metadata piece 0 checked against the info dictionary, and BEP 52 hash requests for the piece
 * layer and for the block layer of piece 0, verified against the pieces root, and a hash reject.
 */
@ExtendWith(LeakRecorder.class)
class LibtorrentInteropTest {

    private static final int PIECE_LENGTH = 64 * 1024;
    private static final int FILE_LENGTH = 300_000; // 5 pieces, the last short; 19 blocks, tree height 5
    private static final int OUR_UT_METADATA = 3;
    private static final long TIMEOUT_S = 20;

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

    /** Queues everything the pipeline delivers; the test releases what it takes. */
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            queue.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            queue.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            queue.add(cause);
        }

        /** Waits for the first item matching {@code wanted}; others are logged and released. */
        <T> T await(Class<T> type, Predicate<T> wanted, List<String> log) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (System.nanoTime() < deadline) {
                Object item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item == null) {
                    continue;
                }
                if (item instanceof Throwable t) {
                    throw new AssertionError("pipeline error", t);
                }
                log.add(item.toString());
                if (type.isInstance(item) && wanted.test(type.cast(item))) {
                    return type.cast(item);
                }
                ReferenceCountUtil.release(item);
            }
            fail("no " + type.getSimpleName() + " within " + TIMEOUT_S + " s; saw " + log);
            throw new AssertionError();
        }
    }

    @ParameterizedTest(name = "hybrid={0}")
    @ValueSource(booleans = {false, true})
    void downloadBlocksAndHashesFromLibtorrent(boolean hybrid) throws Exception {
        byte[] content = new byte[FILE_LENGTH];
        new Random(52).nextBytes(content);
        Path data = dir.resolve("data.bin");
        Files.write(data, content);
        Path torrentFile = dir.resolve("lt.torrent");

        try (LibtorrentPeer seeder = LibtorrentPeer.start(data, PIECE_LENGTH, hybrid, torrentFile)) {
            Metainfo metainfo = MetainfoParser.strict().parse(Files.readAllBytes(torrentFile));
            FileEntry file = metainfo.info().files().stream().filter(f -> f.piecesRoot().isPresent())
                    .findFirst().orElseThrow();
            KnownTorrent torrent = new KnownTorrent(metainfo.infoHashes(), metainfo.info().pieceCount());
            List<String> log = new ArrayList<>();
            Inbox inbox = new Inbox();
            byte[] peerId = "-VS0100-interoptest1".getBytes();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast("peer", HandshakeHandler.initiator(torrent, hybrid, peerId,
                                    PeerWireLimits.DEFAULT, OUR_UT_METADATA));
                            c.pipeline().addLast(inbox);
                        }
                    }).connect("127.0.0.1", seeder.port).sync().channel();
            try {
                // Handshake: v2 hash, or for the hybrid our v1 hash answered with the truncated v2 hash.
                HandshakeCompleted done = inbox.await(HandshakeCompleted.class, h -> true, log);
                assertEquals(ProtocolVersion.V2, done.version());
                assertEquals(metainfo.infoHashes().v2Truncated(), done.remote().infoHash());
                assertTrue(done.remote().reserved().extensionProtocol() && done.remote().reserved().fast());
                System.out.printf("libtorrent %s, hybrid=%s: reserved %s%n", seeder.version, hybrid, done.remote().reserved());

                ch.write(Signal.HAVE_NONE);
                ch.writeAndFlush(ExtendedHandshake.builder().extension(ExtendedHandshake.UT_METADATA, OUR_UT_METADATA)
                        .client("Veilswarm test").requestQueue(64).build());
                ExtendedHandshake theirs = inbox.await(ExtendedHandshake.class, h -> true, log);
                int theirMetadataId = theirs.extensionId(ExtendedHandshake.UT_METADATA).orElseThrow();
                assertEquals(metainfo.info().size(), theirs.metadataSize().orElseThrow(), "metadata_size");
                System.out.printf("their extension handshake: %s%n", theirs);

                // BEP 9: metadata piece 0 is the (small) info dictionary exactly as in the file.
                ch.writeAndFlush(new MetadataRequest(theirMetadataId, 0));
                MetadataData meta = inbox.await(MetadataData.class, m -> true, log);
                try {
                    assertEquals(OUR_UT_METADATA, meta.extendedId(), "sent under the id we announced");
                    assertEquals(metainfo.info().size(), meta.totalSize());
                    assertArrayEquals(metainfo.info().bytes(), ByteBufBytes.of(meta.content()));
                } finally {
                    meta.release();
                }

                ch.writeAndFlush(Signal.INTERESTED);
                inbox.await(Signal.class, s -> s == Signal.UNCHOKE, log);

                // Piece 0, block by block, checked against the piece layer.
                int blocks = PIECE_LENGTH / PeerWireLimits.BLOCK_SIZE;
                for (int b = 0; b < blocks; b++) {
                    ch.write(BlockRequest.request(0, b * PeerWireLimits.BLOCK_SIZE, PeerWireLimits.BLOCK_SIZE));
                }
                ch.flush();
                byte[] piece0 = new byte[PIECE_LENGTH];
                for (int b = 0; b < blocks; b++) {
                    Piece block = inbox.await(Piece.class, p -> true, log);
                    try {
                        assertEquals(0, block.piece());
                        assertEquals(PeerWireLimits.BLOCK_SIZE, block.length());
                        block.content().getBytes(block.content().readerIndex(), piece0, block.offset(), block.length());
                    } finally {
                        block.release();
                    }
                }
                assertArrayEquals(metainfo.pieceLayers().pieceHash(file, 0).orElseThrow(),
                        MerkleTree.pieceLayerHash(piece0, 0, PIECE_LENGTH, PIECE_LENGTH), "piece 0 vs piece layer");
                assertTrue(metainfo.verifyPiece(0, piece0));

                // BEP 52: the whole piece layer (5 hashes padded to 8), which reaches the root by itself.
                HashValue root = file.piecesRoot().orElseThrow();
                int pieceLevel = MerkleTree.pieceLayerLevel(PIECE_LENGTH);
                int height = MerkleTree.treeHeight(FILE_LENGTH);
                ch.writeAndFlush(new HashRequest(new HashRange(root, pieceLevel, 0, 8, HashRange.proofLayersToRoot(height, pieceLevel))));
                Hashes layer = inbox.await(Hashes.class, h -> h.range().baseLayer() == pieceLevel, log);
                System.out.printf("piece layer reply: %s%n", layer);
                assertEquals(8, layer.hashCount(), "8 layer hashes (3 of them padding), no uncles: they reach the root");
                assertTrue(layer.verify(FILE_LENGTH, new byte[0]), "piece layer proves against the pieces root");
                byte[] expectedLayer = metainfo.pieceLayers().layer(file).orElseThrow();
                assertArrayEquals(expectedLayer, Arrays.copyOf(layer.baseHashes(), expectedLayer.length),
                        "same hashes as piece layers");

                // BEP 52: the four block hashes of piece 0 with uncles up to the root.
                ch.writeAndFlush(new HashRequest(new HashRange(root, 0, 0, blocks, HashRange.proofLayersToRoot(height, 0))));
                Hashes leaves = inbox.await(Hashes.class, h -> h.range().baseLayer() == 0, log);
                System.out.printf("block layer reply: %s%n", leaves);
                assertEquals(blocks + 3, leaves.hashCount(), "4 block hashes and the 3 uncles above them");
                assertTrue(leaves.verify(FILE_LENGTH, new byte[0]), "block hashes prove against the pieces root");
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                ByteArrayOutputStream blockHashes = new ByteArrayOutputStream();
                for (int b = 0; b < blocks; b++) {
                    sha.update(piece0, b * PeerWireLimits.BLOCK_SIZE, PeerWireLimits.BLOCK_SIZE);
                    blockHashes.writeBytes(sha.digest());
                }
                assertArrayEquals(blockHashes.toByteArray(), leaves.baseHashes());
                // The last block of the file (5,088 bytes), asked for at its real length and as a whole
                // 16 KiB block. libtorrent pads a v2-only file's last piece to the piece length (an
                // implicit pad file), so there it serves the whole block with zeros past the end of the
                // file; in a hybrid the v1 piece ends with the file and the whole block is rejected.
                int lastPiece = metainfo.info().pieceCount() - 1;
                int tailOffset = 2 * PeerWireLimits.BLOCK_SIZE;
                int tail = FILE_LENGTH - lastPiece * PIECE_LENGTH - tailOffset;
                ch.writeAndFlush(BlockRequest.request(lastPiece, tailOffset, PeerWireLimits.BLOCK_SIZE));
                ch.writeAndFlush(BlockRequest.request(lastPiece, tailOffset, tail));
                byte[] expectedTail = Arrays.copyOfRange(content, lastPiece * PIECE_LENGTH + tailOffset, FILE_LENGTH);
                List<String> lastBlock = new ArrayList<>();
                for (int answers = 0; answers < 2; answers++) {
                    PeerMessage answer = inbox.await(PeerMessage.class, m -> m instanceof Piece p && p.piece() == lastPiece
                            || m instanceof BlockRequest r && r.kind() == BlockRequest.Kind.REJECT, log);
                    try {
                        if (answer instanceof Piece p) {
                            byte[] block = ByteBufBytes.of(p.content());
                            assertArrayEquals(expectedTail, Arrays.copyOf(block, tail));
                            assertArrayEquals(new byte[block.length - tail], Arrays.copyOfRange(block, tail, block.length));
                            lastBlock.add("piece " + p.length());
                        } else {
                            lastBlock.add("reject " + ((BlockRequest) answer).length());
                        }
                    } finally {
                        ReferenceCountUtil.release(answer);
                    }
                }
                System.out.printf("last block answers: %s%n", lastBlock);
                lastBlock.sort(null); // a reject is immediate, a piece waits for the disk: order may vary
                assertEquals(hybrid ? List.of("piece 5088", "reject 16384") : List.of("piece 16384", "piece 5088"), lastBlock);

                // One proof layer too many (libtorrent wants proof layers < tree height - base): a hash reject.
                HashRange tooDeep = new HashRange(root, pieceLevel, 0, 8, height - pieceLevel);
                ch.writeAndFlush(new HashRequest(tooDeep));
                assertEquals(tooDeep, inbox.await(HashReject.class, r -> true, log).range(), "reject echoes the request");
                System.out.printf("messages seen: %s%n", log);
            } finally {
                ch.close().sync();
                for (Object left; (left = inbox.queue.poll()) != null; ) {
                    ReferenceCountUtil.release(left);
                }
            }
        }
    }

    private static final class ByteBufBytes {
        static byte[] of(ByteBuf buf) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        }
    }
}
