package org.veilswarm.transport.onion.stream;

import org.junit.jupiter.api.AfterEach;

/**
 * The fixture of the {@link EdgePair} stream tests: a client edge accepting nothing and a service edge taking
 * streams through {@link #services}, both with the flow control the subclass names; closed after each test.
 */
abstract class EdgePairStreams {
    final EdgePair pair = new EdgePair();
    final LocalServices services = new LocalServices();
    final CircuitStreams client;
    final CircuitStreams service;

    EdgePairStreams(FlowControl flowControl) {
        client = new CircuitStreams(pair.a, StreamAcceptor.NONE, flowControl);
        service = new CircuitStreams(pair.b, services, flowControl);
        pair.a.handler(client);
        pair.b.handler(service);
    }

    @AfterEach
    void closePair() {
        pair.close();
    }
}
