package org.veilswarm.transport.onion.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One end of a bulk transfer over a stream: writes {@code toSend} pseudo-random bytes as fast as
 * writability allows (never past {@code isWritable() == false}), hashes what it sends and what it
 * receives with SHA-256, and completes when it has sent everything and received {@code toReceive}
 * bytes. Fails on any exception or an early close.
 */
final class Transfer extends ChannelInboundHandlerAdapter {
    /** A prime length, so that consecutive writes never line up with the block's repetitions. */
    private static final int BLOCK = 1_048_573;
    private static final byte[] DATA = new byte[BLOCK];

    static {
        new SplittableRandom(289).nextBytes(DATA);
    }

    private final long toSend;
    private final long toReceive;
    private final int writeSize;
    private final MessageDigest sentHash = sha256();
    private final MessageDigest receivedHash = sha256();
    private final CompletableFuture<Transfer> done = new CompletableFuture<>();
    private long sent;
    private long received;
    private int offset;
    volatile int unwritableEvents;

    Transfer(long toSend, long toReceive, int writeSize) {
        this.toSend = toSend;
        this.toReceive = toReceive;
        this.writeSize = writeSize;
    }

    /** A handler that can be added to exactly one pipeline. */
    ChannelHandler handler() {
        return this;
    }

    CompletableFuture<Transfer> done() {
        return done;
    }

    String sentDigest() {
        return HexFormat.of().formatHex(((MessageDigest) clone(sentHash)).digest());
    }

    String receivedDigest() {
        return HexFormat.of().formatHex(((MessageDigest) clone(receivedHash)).digest());
    }

    long received() {
        return received;
    }

    private static Object clone(MessageDigest digest) {
        try {
            return digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pump(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pump(ctx);
        } else {
            unwritableEvents++;
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void pump(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (sent < toSend && ctx.channel().isWritable()) {
            int length = (int) Math.min(writeSize, toSend - sent);
            ByteBuf buffer = ctx.alloc().buffer(length);
            int at = 0;
            while (at < length) {
                int n = Math.min(length - at, BLOCK - offset);
                buffer.writeBytes(DATA, offset, n);
                sentHash.update(DATA, offset, n);
                offset = (offset + n) % BLOCK;
                at += n;
            }
            sent += length;
            ctx.write(buffer);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        checkDone();
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
        checkDone();
    }

    private void checkDone() {
        if (sent == toSend && received == toReceive) {
            done.complete(this);
        } else if (received > toReceive) {
            done.completeExceptionally(new AssertionError("received " + received + " bytes, expected " + toReceive));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        done.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.completeExceptionally(new AssertionError("closed after sending " + sent + " and receiving " + received
                + " bytes"));
        ctx.fireChannelInactive();
    }
}
