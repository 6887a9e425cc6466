package org.veilswarm.transport.tor.control.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.veilswarm.transport.tor.control.ControlConnectionClosedException;
import org.veilswarm.transport.tor.control.ControlProtocolException;
import org.veilswarm.transport.tor.control.ControlProtocolException.Reason;
import org.veilswarm.transport.tor.control.ControlReply;

/**
 * Matches command replies to commands and hands events to a sink. tor answers commands strictly in
 * the order it received them (control-spec §2.1 / §4), so one FIFO of pending futures suffices; a
 * command is queued and written in one event-loop task so queue order is wire order.
 * When the connection closes, for whatever reason, every pending command fails.
 */
public final class ControlConnectionHandler extends ChannelInboundHandlerAdapter {
    private final Deque<CompletableFuture<ControlReply>> pending = new ArrayDeque<>();
    private final Consumer<ControlReply> events;
    private Channel channel;
    private boolean closed;
    private Throwable failure;

    public ControlConnectionHandler(Consumer<ControlReply> events) {
        this.events = events;
    }

    /**
     * Sends one command line (CRLF is appended) and completes {@code reply} with tor's answer. Callable
     * from any thread.
     *
     * @throws IllegalArgumentException when the line contains CR, LF or NUL (which would smuggle a second command)
     */
    public void send(String commandLine, CompletableFuture<ControlReply> reply) {
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("a control command line must not contain CR, LF or NUL");
            }
        }
        Channel ch = channel;
        if (ch == null) {
            reply.completeExceptionally(new IllegalStateException("control connection not active yet"));
            return;
        }
        try {
            ch.eventLoop().execute(() -> write(ch, commandLine, reply));
        } catch (RejectedExecutionException e) {
            // The event loop is shut down: the connection is gone.
            reply.completeExceptionally(new ControlConnectionClosedException("the control connection is closed", e));
        }
    }

    private void write(Channel ch, String commandLine, CompletableFuture<ControlReply> reply) {
        if (closed) {
            reply.completeExceptionally(closedException());
            return;
        }
        pending.add(reply);
        ByteBuf bytes = ch.alloc().buffer(ByteBufUtil.utf8MaxBytes(commandLine) + 2);
        bytes.writeCharSequence(commandLine, StandardCharsets.UTF_8);
        bytes.writeByte('\r').writeByte('\n');
        // A failed write leaves the stream in an unknown state: close, which fails everything pending.
        ch.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ControlReply reply = (ControlReply) msg;
        if (reply.isAsync()) {
            events.accept(reply);
            return;
        }
        CompletableFuture<ControlReply> waiting = pending.poll();
        if (waiting == null) {
            exceptionCaught(ctx, new ControlProtocolException(Reason.UNEXPECTED_REPLY,
                    "reply with status " + reply.status() + " while no command was pending"));
            return;
        }
        waiting.complete(reply);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        failPending();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        failPending();
        ctx.fireChannelInactive();
    }

    private void failPending() {
        closed = true;
        CompletableFuture<ControlReply> waiting;
        while ((waiting = pending.poll()) != null) {
            waiting.completeExceptionally(closedException());
        }
    }

    private ControlConnectionClosedException closedException() {
        String why = failure == null ? "the control connection closed" : "the control connection failed: " + failure.getMessage();
        return new ControlConnectionClosedException(why, failure);
    }
}
