package org.veilswarm.tracker.mirror;

import java.time.Duration;
import java.util.Objects;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * The tracker pipeline with mirroring: runs the tracker's own initializer (HTTP codec, aggregator, tracker
 * handler named {@value #TRACKER_HANDLER}), then puts a {@link MirrorHttpHandler} in front of the tracker
 * handler. Listen with this initializer instead of the tracker's to serve {@code .../mirror/...} paths too.
 */
public final class MirrorServerInitializer extends ChannelInitializer<Channel> {
    /** The name under which the tracker's initializer adds its handler. */
    static final String TRACKER_HANDLER = "tracker";
    private final ChannelInitializer<Channel> tracker;
    private final MirrorSource source;
    private final long safetyNanos;

    /**
     * @param tracker the tracker's initializer ({@code TrackerServerInitializer})
     * @param maxWait the source's longest long poll; a stream is closed a minute after it in any case
     */
    public MirrorServerInitializer(ChannelInitializer<Channel> tracker, MirrorSource source, Duration maxWait) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.source = Objects.requireNonNull(source, "source");
        this.safetyNanos = maxWait.plusMinutes(1).toNanos();
    }

    @Override
    protected void initChannel(Channel ch) {
        // The channel is registered here, so the tracker's initializer runs at once when added.
        ch.pipeline().addLast(tracker);
        ch.pipeline().addBefore(TRACKER_HANDLER, MirrorHttpHandler.NAME, new MirrorHttpHandler(source, safetyNanos));
    }
}
