package org.veilswarm.transport.direct.impl;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Hashes everything it receives with SHA-256 and releases each buffer; completes after {@code expected} bytes. */
final class DigestingReceiver extends ChannelInboundHandlerAdapter {
    private final long expected;
    private final MessageDigest sha256 = BulkSender.sha256();
    private final CompletableFuture<byte[]> receivedDigest = new CompletableFuture<>();
    private long received;

    DigestingReceiver(long expected) {
        this.expected = expected;
    }

    CompletableFuture<byte[]> receivedDigest() {
        return receivedDigest;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            received += buf.readableBytes();
            for (ByteBuffer nio : buf.nioBuffers()) {
                sha256.update(nio);
            }
            if (received > expected) {
                receivedDigest.completeExceptionally(
                        new IllegalStateException("received " + received + " bytes, expected " + expected));
            } else if (received == expected) {
                receivedDigest.complete(sha256.digest());
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!receivedDigest.isDone()) {
            receivedDigest.completeExceptionally(
                    new IllegalStateException("closed after receiving " + received + " of " + expected + " bytes"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        receivedDigest.completeExceptionally(cause);
        ctx.close();
    }
}
