package org.veilswarm.tracker.impl;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.transport.Listener;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * Our tracker served by the real direct transport on 127.0.0.1 (an ephemeral port), and a client that
 * connects through the same engine: the tracker pipeline neither knows nor cares which transport carries it.
 */
final class LoopbackTracker implements AutoCloseable {
    final TrackerFixture fixture;
    final DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.defaults());
    final Listener listener;
    final TrackerClient client = new TrackerClient(engine::connect, Duration.ofSeconds(10));

    LoopbackTracker(TrackerFixture fixture) throws Exception {
        this.fixture = fixture;
        this.listener = engine.listen(null, 0, new TrackerServerInitializer(fixture.service)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    int port() {
        return listener.address().port();
    }

    TrackerUrl announceUrl() {
        return TrackerUrl.parse("http://127.0.0.1:" + port() + fixture.announcePath());
    }

    @Override
    public void close() {
        listener.close();
        engine.close();
    }
}
