package org.veilswarm.tracker.impl;

import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * The pipeline of one inbound tracker stream, on whatever transport accepted it: HTTP/1.1 codec with small
 * line and header limits, an aggregator that takes almost no body, and the tracker handler. Pass an
 * executor group when the store blocks (JDBC), so that store calls leave the transport's event loop.
 */
public final class TrackerServerInitializer extends ChannelInitializer<Channel> {
    /** Name of the HTTP response encoder in the pipeline. */
    static final String RESPONSE_ENCODER = "http-response";
    private final TrackerService service;
    private final EventExecutorGroup storeExecutor;
    private final BooleanSupplier offload;

    /** For stores that never block (memory): everything runs on the stream's event loop. */
    public TrackerServerInitializer(TrackerService service) {
        this(service, null, () -> false);
    }

    /** For stores that block (JDBC): every request is answered on {@code storeExecutor}. */
    public TrackerServerInitializer(TrackerService service, EventExecutorGroup storeExecutor) {
        this(service, Objects.requireNonNull(storeExecutor, "storeExecutor"), () -> true);
    }

    /**
     * For a store that may change at run time: {@code offload} tells, for each request, whether the current
     * store blocks and the request must go to {@code storeExecutor}.
     */
    public TrackerServerInitializer(TrackerService service, EventExecutorGroup storeExecutor, BooleanSupplier offload) {
        this.service = Objects.requireNonNull(service, "service");
        this.storeExecutor = storeExecutor;
        this.offload = Objects.requireNonNull(offload, "offload");
    }

    @Override
    protected void initChannel(Channel ch) {
        TrackerSettings s = service.settings();
        // Decoder and encoder apart rather than HttpServerCodec: the tracker handler writes its answers as
        // ready bytes past the encoder (TrackerResponseBytes), and the server codec would queue every
        // request's method for a response it never sees.
        ch.pipeline().addLast("http", new HttpRequestDecoder(s.maxRequestLine(), s.maxHeaderBytes(), 8192));
        ch.pipeline().addLast(RESPONSE_ENCODER, new HttpResponseEncoder());
        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(s.maxBodyBytes(), true));
        ch.pipeline().addLast("tracker", new TrackerHttpHandler(service, storeExecutor, offload));
    }
}
