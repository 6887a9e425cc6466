package org.veilswarm.transport.onion.hs.rend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One end of a full-duplex transfer: sends {@code toSend} pseudo-random bytes (seeded) while the
 * stream is writable, SHA-256s what it sends and what it receives, completes when both are done.
 */
final class BulkEnd extends ChannelInboundHandlerAdapter {
    private final long toSend;
    private final long toReceive;
    private final SplittableRandom data;
    private final MessageDigest sentHash;
    private final MessageDigest receivedHash;
    final CompletableFuture<BulkEnd> done = new CompletableFuture<>();
    private long sent;
    private long received;

    BulkEnd(long toSend, long toReceive, long seed) throws Exception {
        this.toSend = toSend;
        this.toReceive = toReceive;
        this.data = new SplittableRandom(seed);
        this.sentHash = MessageDigest.getInstance("SHA-256");
        this.receivedHash = MessageDigest.getInstance("SHA-256");
    }

    String sentDigest() throws Exception {
        return HexFormat.of().formatHex(((MessageDigest) sentHash.clone()).digest());
    }

    String receivedDigest() throws Exception {
        return HexFormat.of().formatHex(((MessageDigest) receivedHash.clone()).digest());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pump(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void pump(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (sent < toSend && ctx.channel().isWritable()) {
            byte[] chunk = new byte[(int) Math.min(16 * 1024, toSend - sent)];
            data.nextBytes(chunk);
            sentHash.update(chunk);
            sent += chunk.length;
            ctx.write(ctx.alloc().buffer(chunk.length).writeBytes(chunk));
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        check();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buffer = (ByteBuf) msg;
        try {
            received += buffer.readableBytes();
            receivedHash.update(buffer.nioBuffer());
        } finally {
            buffer.release();
        }
        check();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.completeExceptionally(new AssertionError("stream closed after " + sent + " sent, " + received + " received"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        done.completeExceptionally(cause);
    }

    private void check() {
        if (sent == toSend && received == toReceive) {
            done.complete(this);
        } else if (received > toReceive) {
            done.completeExceptionally(new AssertionError("received " + received + " > " + toReceive));
        }
    }
}
