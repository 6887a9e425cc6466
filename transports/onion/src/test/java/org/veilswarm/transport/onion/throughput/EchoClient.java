package org.veilswarm.transport.onion.throughput;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Sends {@code size} pseudo-random bytes as fast as writability allows and hashes (SHA-256) what it sent
 * and what comes back; {@link #done()} completes with the hex digest of the echo once as many bytes came
 * back, and fails if the stream closes or errs before. {@link #firstEchoNanos()} is when the first
 * echoed byte arrived (a round trip).
 */
final class EchoClient extends ChannelInboundHandlerAdapter {
    /** A prime length, so consecutive writes never line up with the block's repetitions. */
    private static final int BLOCK = 1_048_573;
    private static final byte[] DATA = new byte[BLOCK];
    private static final int CHUNK = 16 * 1024;

    static {
        new SplittableRandom(5).nextBytes(DATA);
    }

    private final long size;
    private final MessageDigest sentHash = sha256();
    private final MessageDigest receivedHash = sha256();
    private final CompletableFuture<String> done = new CompletableFuture<>();
    private long sent;
    private long echoed;
    private volatile long startNanos;
    private volatile long firstEchoNanos;

    EchoClient(long size) {
        this.size = size;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    CompletableFuture<String> done() {
        return done;
    }

    /** Hex SHA-256 of every byte sent (complete once {@link #done()} is). */
    String sentDigest() {
        return HexFormat.of().formatHex(sentHash.digest());
    }

    long startNanos() {
        return startNanos;
    }

    long firstEchoNanos() {
        return firstEchoNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startNanos = System.nanoTime();
        send(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        send(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void send(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (sent < size && ctx.channel().isWritable()) {
            int offset = (int) (sent % BLOCK);
            int n = (int) Math.min(Math.min(CHUNK, size - sent), BLOCK - offset);
            sentHash.update(DATA, offset, n);
            // Advanced before the write: a write can fire channelWritabilityChanged, which re-enters here.
            sent += n;
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
            if (echoed == 0) {
                firstEchoNanos = System.nanoTime();
            }
            echoed += buf.readableBytes();
            receivedHash.update(buf.nioBuffer());
        } finally {
            buf.release();
        }
        if (echoed >= size && !done.isDone()) {
            done.complete(HexFormat.of().formatHex(receivedHash.digest()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.completeExceptionally(new IllegalStateException("stream closed after " + sent + " bytes sent and "
                + echoed + " echoed of " + size));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        done.completeExceptionally(cause);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
