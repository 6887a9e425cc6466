package org.veilswarm.tracker.impl;

import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * The pipeline of one inbound tracker stream, on whatever transport accepted it: the {@link PlainRequestReader},
 * which reads plain announces and scrapes itself and otherwise puts Netty's HTTP/1.1 codec (small line and
 * header limits, an aggregator that takes almost no body) behind itself, and the tracker handler. Pass an
 * executor group when the store blocks (JDBC), so that store calls leave the transport's event loop.
 */
public final class TrackerServerInitializer extends ChannelInitializer<Channel> {
    /** Name of the HTTP response encoder in the pipeline. */
    static final String RESPONSE_ENCODER = "http-response";
    /** Name of the HTTP request decoder, once a stream needs it. */
    static final String DECODER = "http";
    /** Name of the HTTP request aggregator, once a stream needs it. */
    static final String AGGREGATOR = "aggregate";
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
        ch.pipeline().addLast(PlainRequestReader.NAME, new PlainRequestReader(service.settings()));
        ch.pipeline().addLast("tracker", new TrackerHttpHandler(service, storeExecutor, offload));
    }
}
