package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.MerkleTree;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.peerwire.metadata.MetadataServer;

/**
 * The smallest seeder of a one-file v2 torrent that a real client can download from, written with this
 * codec only: extension handshake with {@code metadata_size}, have all, unchoke; blocks, BEP 9 metadata
 * pieces (from {@link MetadataServer}) and BEP 52 hashes (piece layer or block layer, with as many uncles as libtorrent's reading of
 * "proof layers" asks for) on request. Not a design for the engine: no choking, no limits.
 */
final class TestSeeder extends ChannelInboundHandlerAdapter {

    static final int OUR_UT_METADATA = 5;

    private final Metainfo metainfo;
    private final FileEntry file;
    private final ByteBuf content;
    private final MetadataServer metadataServer;
    private final byte[] blockLayer;
    final List<String> served = new CopyOnWriteArrayList<>();
    private int theirUtMetadata;

    /** {@code content} is shared by every connection; this handler holds a reference until it is removed. */
    TestSeeder(Metainfo metainfo, ByteBuf content) {
        this.metainfo = metainfo;
        this.file = metainfo.info().files().get(0);
        this.content = content.retain();
        this.metadataServer = MetadataServer.of(metainfo.info());
        byte[] bytes = new byte[content.readableBytes()];
        content.getBytes(content.readerIndex(), bytes);
        this.blockLayer = MerkleTree.leafHashes(bytes, 0, bytes.length);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        content.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompleted) {
            ctx.write(ExtendedHandshake.builder().extension(ExtendedHandshake.UT_METADATA, OUR_UT_METADATA)
                    .metadataSize(metadataServer.metadataSize()).client("Veilswarm test seeder").requestQueue(256).build());
            ctx.write(Signal.HAVE_ALL);
            ctx.writeAndFlush(Signal.UNCHOKE);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            served.add(msg.toString());
            if (msg instanceof ExtendedHandshake h) {
                theirUtMetadata = h.extensionId(ExtendedHandshake.UT_METADATA).orElse(0);
            } else if (msg instanceof BlockRequest r && r.kind() == BlockRequest.Kind.REQUEST) {
                long at = (long) r.piece() * metainfo.info().pieceLength() + r.offset();
                long alignedEnd = (long) metainfo.info().pieceCount() * metainfo.info().pieceLength();
                if (at + r.length() > alignedEnd) {
                    ctx.writeAndFlush(BlockRequest.reject(r.piece(), r.offset(), r.length()));
                } else {
                    // libtorrent pads the last piece of a v2 file to the piece length (an implicit pad
                    // file) and asks for whole blocks there: the part past the end of the file is zeros.
                    int real = (int) Math.max(0, Math.min(r.length(), content.readableBytes() - at));
                    ByteBuf block = real == r.length() ? content.retainedSlice((int) at, real)
                            : Unpooled.wrappedBuffer(real > 0 ? content.retainedSlice((int) at, real) : Unpooled.EMPTY_BUFFER,
                                    Unpooled.wrappedBuffer(new byte[r.length() - real]));
                    ctx.writeAndFlush(new Piece(r.piece(), r.offset(), block));
                    if (real < r.length()) {
                        served.add("served " + (r.length() - real) + " zero bytes past the end of the file");
                    }
                }
            } else if (msg instanceof MetadataRequest r) {
                ctx.writeAndFlush(theirUtMetadata == 0 ? new MetadataReject(1, r.piece())
                        : metadataServer.answer(r, theirUtMetadata));
            } else if (msg instanceof HashRequest r) {
                ctx.writeAndFlush(answer(r.range()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Hashes of the piece layer or the block layer, padded, followed by {@link HashRange#uncleCount()} uncles. */
    private PeerMessage answer(HashRange range) {
        long length = file.length();
        int height = MerkleTree.treeHeight(length);
        int pieceLevel = MerkleTree.pieceLayerLevel(metainfo.info().pieceLength());
        byte[] layer = range.baseLayer() == 0 ? blockLayer
                : range.baseLayer() == pieceLevel ? metainfo.pieceLayers().layer(file).orElse(null) : null;
        long layerWidth = 1L << Math.max(0, height - range.baseLayer());
        if (layer == null || !range.piecesRoot().equals(file.piecesRoot().orElseThrow())
                || range.proofLayers() >= height - range.baseLayer()
                || (long) range.index() + range.length() > layerWidth) {
            return new HashReject(range);
        }
        byte[] uncles = MerkleTree.uncles(layer, range.baseLayer(), length, range.index(), range.length());
        int uncleCount = Math.min(range.uncleCount(), uncles.length / MerkleTree.HASH_LENGTH);
        byte[] out = new byte[(range.length() + uncleCount) * MerkleTree.HASH_LENGTH];
        byte[] pad = MerkleTree.zeroSubtreeRoot(range.baseLayer());
        for (int i = 0; i < range.length(); i++) {
            int source = range.index() + i;
            if ((long) (source + 1) * MerkleTree.HASH_LENGTH <= layer.length) {
                System.arraycopy(layer, source * MerkleTree.HASH_LENGTH, out, i * MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH);
            } else {
                System.arraycopy(pad, 0, out, i * MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH);
            }
        }
        System.arraycopy(uncles, 0, out, range.length() * MerkleTree.HASH_LENGTH, uncleCount * MerkleTree.HASH_LENGTH);
        return new Hashes(range, out);
    }
}
