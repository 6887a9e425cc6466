package org.veilswarm.tracker.impl;

import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.veilswarm.tracker.protocol.AnnounceResponse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * Turns requests ({@link PlainRequest}s, or aggregated ones from Netty's codec) into {@link TrackerService} answers, and enforces the per-request deadline: a
 * stream must deliver a complete request within {@code requestTimeout} of opening or of the previous answer,
 * else it is closed. That bounds slowloris streams (a byte now and then never trips a read-idle timer) and
 * idle keep-alive streams with one timer.
 *
 * <p>When the store blocks ({@code offload} says so at the time of each request), the request is answered on
 * one thread of the store executor group, the same for the whole stream, so pipelined answers keep their
 * order; the stream reads nothing more until the answer is written (back-pressure instead of a queue).
 */
final class TrackerHttpHandler extends ChannelInboundHandlerAdapter {
    private final TrackerService service;
    private final long timeoutNanos;
    private final EventExecutorGroup storeExecutors;
    private final BooleanSupplier offload;
    private EventExecutor storeExecutor;
    /** Requests handed to the store executor and not yet answered; touched on the event loop only. */
    private int offloaded;
    private ScheduledFuture<?> deadline;

    TrackerHttpHandler(TrackerService service, EventExecutorGroup storeExecutors, BooleanSupplier offload) {
        this.service = service;
        this.timeoutNanos = service.settings().requestTimeout().toNanos();
        this.storeExecutors = storeExecutors;
        this.offload = offload;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (storeExecutors != null) {
            storeExecutor = storeExecutors.next();
        }
        armDeadline(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarmDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarmDeadline();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PlainRequest plain) {
            disarmDeadline();
            handle(ctx, "GET", plain.target(), plain.keepAlive());
        } else if (msg instanceof FullHttpRequest request) {
            try {
                disarmDeadline();
                if (request.decoderResult().isFailure()) {
                    Throwable cause = request.decoderResult().cause();
                    // RFC 9110 §15.5.15 (414) and RFC 6585 §5 (431); anything else malformed is a 400 (§15.5.1).
                    HttpResponseStatus status = cause instanceof TooLongHttpLineException
                            ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                            : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                            : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                            : HttpResponseStatus.BAD_REQUEST;
                    respond(ctx, status, AnnounceResponse.failure(status.reasonPhrase()), false);
                    return;
                }
                handle(ctx, request.method().name(), request.uri(), HttpUtil.isKeepAlive(request));
            } finally {
                ReferenceCountUtil.release(request);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, String method, String target, boolean keepAlive) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (storeExecutor == null || offloaded == 0 && !offload.getAsBoolean()) {
            answer(ctx, service.handle(method, target, remote), keepAlive);
            return;
        }
        offloaded++;
        ctx.channel().config().setAutoRead(false);
        try {
            storeExecutor.execute(() -> answerOffloaded(ctx, method, target, remote, keepAlive));
        } catch (RejectedExecutionException shuttingDown) {
            answer(ctx, new TrackerReply(503, TrackerService.STORE_UNAVAILABLE), false);
        }
    }

    /**
     * Runs on a store thread. Whatever happens the stream gets an answer: its deadline is disarmed and it reads
     * nothing until then, so an exception escaping here would leave it open for good.
     */
    private void answerOffloaded(ChannelHandlerContext ctx, String method, String target, SocketAddress remote,
            boolean keepAlive) {
        TrackerReply reply;
        try {
            reply = service.handle(method, target, remote);
        } catch (RuntimeException bug) {
            reply = new TrackerReply(500, AnnounceResponse.failure("internal error"));
            keepAlive = false;
        }
        answer(ctx, reply, keepAlive);
    }

    private void answer(ChannelHandlerContext ctx, TrackerReply reply, boolean keepAlive) {
        respond(ctx, HttpResponseStatus.valueOf(reply.status()), reply.body(), keepAlive);
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, boolean keepAlive) {
        ByteBuf response = TrackerResponseBytes.encode(ctx.alloc(), status, body, keepAlive);
        // Written from the response encoder's context if the stream has one (PlainRequestReader handed it to
        // Netty's codec), so it goes to the socket as it is, past the encoder (which the mirror handler's own
        // responses still use); else from this handler's, past nothing but inbound handlers.
        ChannelHandlerContext encoder = ctx.pipeline().context(TrackerServerInitializer.RESPONSE_ENCODER);
        ChannelHandlerContext raw = encoder != null ? encoder : ctx;
        boolean wasOffloaded = !ctx.executor().inEventLoop();
        ChannelFuture written = raw.writeAndFlush(response);
        if (wasOffloaded) {
            written.addListener(f -> {
                if (--offloaded == 0) {
                    ctx.channel().config().setAutoRead(true);
                }
            });
        }
        if (keepAlive) {
            written.addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    armDeadline(ctx);
                }
            });
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // I/O errors and decoder trouble outside a request: nothing useful to answer on a broken stream.
        ctx.close();
    }

    private void armDeadline(ChannelHandlerContext ctx) {
        disarmDeadline();
        deadline = ctx.executor().schedule(() -> ctx.close(), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void disarmDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
