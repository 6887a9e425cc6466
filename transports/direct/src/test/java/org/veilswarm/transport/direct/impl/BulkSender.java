package org.veilswarm.transport.direct.impl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sends {@code total} pseudo-random bytes, hashing them with SHA-256 as it goes. It writes only while the
 * channel is writable and resumes on {@code channelWritabilityChanged}, so at most one chunk beyond the
 * high water mark is ever queued: the sender never buffers unboundedly, whatever the peer does.
 */
final class BulkSender extends ChannelInboundHandlerAdapter {
    static final int CHUNK = 64 * 1024;

    private final long total;
    private final SplittableRandom random;
    private final MessageDigest sha256 = sha256();
    private final byte[] chunk = new byte[CHUNK];
    private final CompletableFuture<byte[]> sentDigest = new CompletableFuture<>();
    private long sent;
    private long maxQueued;

    BulkSender(long total, long seed) {
        this.total = total;
        this.random = new SplittableRandom(seed);
    }

    /** Completes with the SHA-256 of everything sent, once it is all flushed to the socket. */
    CompletableFuture<byte[]> sentDigest() {
        return sentDigest;
    }

    /** The most bytes that were ever queued in the channel's outbound buffer. */
    long maxQueued() {
        return maxQueued;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pump(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            pump(ctx);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!sentDigest.isDone()) {
            sentDigest.completeExceptionally(new IllegalStateException("closed after sending " + sent + " bytes"));
        }
        ctx.fireChannelInactive();
    }

    private void pump(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        boolean wrote = false;
        while (sent < total && ch.isWritable()) {
            int n = (int) Math.min(CHUNK, total - sent);
            random.nextBytes(chunk);
            sha256.update(chunk, 0, n);
            ByteBuf buf = ctx.alloc().buffer(n);
            buf.writeBytes(chunk, 0, n);
            sent += n;
            wrote = true;
            if (sent == total) {
                byte[] digest = sha256.digest();
                ctx.writeAndFlush(buf).addListener(f -> {
                    if (f.isSuccess()) {
                        sentDigest.complete(digest);
                    } else {
                        sentDigest.completeExceptionally(f.cause());
                    }
                });
                return;
            }
            ctx.write(buf);
            maxQueued = Math.max(maxQueued, ch.unsafe().outboundBuffer().totalPendingWriteBytes());
        }
        if (wrote) {
            ctx.flush();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
