package org.veilswarm.transport.tor.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;

/** SHA-256 of everything a stream delivers until it closes; remembers when the first and last byte came. */
final class DigestingReceiver extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> digest = new CompletableFuture<>();
    private final MessageDigest sha256;
    volatile long bytes;
    volatile long firstByteNanos;
    volatile long lastByteNanos;

    DigestingReceiver() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (bytes == 0) {
                firstByteNanos = System.nanoTime();
            }
            bytes += buf.readableBytes();
            sha256.update(buf.nioBuffer());
            lastByteNanos = System.nanoTime();
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        digest.complete(sha256.digest());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        digest.completeExceptionally(cause);
        ctx.close();
    }
}
