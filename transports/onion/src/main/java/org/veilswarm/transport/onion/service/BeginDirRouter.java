package org.veilswarm.transport.onion.service;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One BEGIN_DIR handler for a relay that is both a directory cache and an HSDir: reads the HTTP request
 * line, then hands the stream (request line included) to the HSDir protocol for {@code /tor/hs/3/...}
 * (rend-spec-v3 §2.2.6) and to the directory handler for everything else. Either may be absent; a request
 * for an absent one closes the stream.
 */
@ChannelHandler.Sharable
public final class BeginDirRouter extends ChannelInitializer<Channel> {
    /** The prefix of every HSDir request path (publish and fetch). */
    public static final String HSDIR_PREFIX = "/tor/hs/3/";
    /** Longest request line read before giving up (C tor's directory limit is similar). */
    static final int MAX_REQUEST_LINE = 8192;

    private final ChannelHandler hsDir;
    private final ChannelHandler directory;

    /**
     * @param hsDir a {@code @Sharable} handler for HSDir requests, or null
     * @param directory a {@code @Sharable} handler for every other request, or null
     */
    public BeginDirRouter(ChannelHandler hsDir, ChannelHandler directory) {
        if (hsDir == null && directory == null) {
            throw new IllegalArgumentException("a router needs at least one handler");
        }
        this.hsDir = hsDir;
        this.directory = directory;
    }

    @Override
    protected void initChannel(Channel channel) {
        channel.pipeline().addLast(new RequestLine());
    }

    /** Waits for the first line, installs the chosen handler after itself, and leaves (passing the bytes on). */
    private final class RequestLine extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (end < 0) {
                if (in.readableBytes() > MAX_REQUEST_LINE) {
                    in.skipBytes(in.readableBytes());
                    ctx.close();
                    throw new TooLongFrameException("BEGIN_DIR request line longer than " + MAX_REQUEST_LINE);
                }
                return;
            }
            String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.US_ASCII);
            String[] parts = line.trim().split(" ");
            boolean forHsDir = parts.length >= 2 && parts[1].startsWith(HSDIR_PREFIX);
            ChannelHandler target = forHsDir ? hsDir : directory;
            if (target == null) {
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            ctx.pipeline().addAfter(ctx.name(), null, Objects.requireNonNull(target));
            // Removing a ByteToMessageDecoder passes what it has read on to the handler just added.
            ctx.pipeline().remove(this);
        }

        /**
         * The stream ended before it was routed (its circuit was lost, or the line was too long): it is closed, and
         * nothing reaches the end of the pipeline, where Netty would log it as unhandled at WARNING.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
