package org.veilswarm.swarm.engine;

import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportInfo;

/** A second, separately named transport for tests: real TCP through its own direct transport engine. */
final class RenamedTransport extends ForwardingTransport {

    private final String scheme;

    RenamedTransport(String scheme, Transport inner) {
        super(inner);
        this.scheme = scheme;
    }

    @Override
    public TransportInfo info() {
        return new TransportInfo(scheme, Anonymity.NONE, false, 0, "test transport over " + inner.info().scheme());
    }
}
