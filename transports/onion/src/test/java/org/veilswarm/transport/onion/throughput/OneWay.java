package org.veilswarm.transport.onion.throughput;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One-direction bulk transfers, what the C tor anchor ({@code TorTransportPrivateNetworkIT}) measures: a
 * {@link Sender} of pseudo-random bytes and a {@link Receiver} that hashes them (SHA-256). An upload is a
 * client {@code Sender} against a service {@code Receiver} that answers with the hex digest of what it got;
 * a download is a service {@code Sender} against a client {@code Receiver}, checked against
 * {@link #digestOf(long)}. Unlike the echo, only one direction carries data.
 */
final class OneWay {
    /** A prime length, so consecutive writes never line up with the block's repetitions. */
    private static final int BLOCK = 1_048_573;
    private static final byte[] DATA = new byte[BLOCK];
    private static final int CHUNK = 16 * 1024;
    private static final int DIGEST_HEX = 64;

    static {
        new SplittableRandom(11).nextBytes(DATA);
    }

    private OneWay() {
    }

    /** Hex SHA-256 of the first {@code size} bytes any {@link Sender} sends. */
    static String digestOf(long size) {
        MessageDigest hash = sha256();
        for (long done = 0; done < size;) {
            int offset = (int) (done % BLOCK);
            int n = (int) Math.min(size - done, BLOCK - offset);
            hash.update(DATA, offset, n);
            done += n;
        }
        return HexFormat.of().formatHex(hash.digest());
    }

    /** A fresh handler per stream. */
    static ChannelInitializer<Channel> each(Supplier<? extends ChannelInboundHandlerAdapter> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(handler.get());
            }
        };
    }

    /**
     * Sends {@code size} bytes as fast as writability allows, from the moment the stream is active; then
     * collects a {@value #DIGEST_HEX}-character reply (the receiver's digest), if the other end sends one.
     */
    static final class Sender extends ChannelInboundHandlerAdapter {
        private final long size;
        private final CompletableFuture<String> reply = new CompletableFuture<>();
        private final StringBuilder replied = new StringBuilder();
        private boolean started;
        private long sent;
        private volatile long startNanos;

        Sender(long size) {
            this.size = size;
        }

        CompletableFuture<String> reply() {
            return reply;
        }

        long startNanos() {
            return startNanos;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) { // a service's accepted stream may be active already
                start(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            start(ctx);
            ctx.fireChannelActive();
        }

        private void start(ChannelHandlerContext ctx) {
            if (!started) {
                started = true;
                startNanos = System.nanoTime();
                send(ctx);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            send(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        private void send(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (started && sent < size && ctx.channel().isWritable()) {
                int offset = (int) (sent % BLOCK);
                int n = (int) Math.min(Math.min(CHUNK, size - sent), BLOCK - offset);
                sent += n; // before the write, which may re-enter through channelWritabilityChanged
                ctx.write(ctx.alloc().buffer(n).writeBytes(DATA, offset, n));
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                replied.append(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
            if (replied.length() >= DIGEST_HEX) {
                reply.complete(replied.substring(0, DIGEST_HEX));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reply.completeExceptionally(new IllegalStateException("stream closed after " + sent + " of " + size
                    + " bytes sent, reply so far '" + replied + "'"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reply.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** Hashes {@code size} bytes; then completes {@link #done()} and, if asked, writes the hex digest back. */
    static final class Receiver extends ChannelInboundHandlerAdapter {
        private final long size;
        private final boolean replyWithDigest;
        private final MessageDigest hash = sha256();
        private final CompletableFuture<String> done = new CompletableFuture<>();
        private long received;
        private volatile long startNanos;
        private volatile long endNanos;

        Receiver(long size, boolean replyWithDigest) {
            this.size = size;
            this.replyWithDigest = replyWithDigest;
        }

        CompletableFuture<String> done() {
            return done;
        }

        /** From the stream becoming active here to the last byte. */
        long nanos() {
            return endNanos - startNanos;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            startNanos = System.nanoTime();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received += buf.readableBytes();
                hash.update(buf.nioBuffer());
            } finally {
                buf.release();
            }
            if (received >= size && !done.isDone()) {
                endNanos = System.nanoTime();
                String digest = HexFormat.of().formatHex(hash.digest());
                done.complete(digest);
                if (replyWithDigest) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer(digest, StandardCharsets.US_ASCII));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("stream closed after " + received + " of " + size
                    + " bytes"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
