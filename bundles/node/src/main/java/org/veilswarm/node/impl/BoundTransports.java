package org.veilswarm.node.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.veilswarm.api.transport.Transport;

/**
 * The transport services currently bound, keyed by service id. Thread-safe: DS binds and unbinds on its own
 * threads while the console asks for the status on others.
 */
public final class BoundTransports {

    /** A bound transport and the scheme its {@value Transport#SCHEME} service property announced. */
    public record Bound(long serviceId, String scheme, Transport transport) {
        public Bound {
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(transport, "transport");
        }
    }

    private final Map<Long, Bound> bound = new ConcurrentHashMap<>();

    /** Binds (or, for a known service id, re-binds with new properties) a transport. */
    public void bind(long serviceId, String scheme, Transport transport) {
        bound.put(serviceId, new Bound(serviceId, scheme, transport));
    }

    /** Forgets the transport with this service id; unknown ids are ignored (unbind after a failed bind). */
    public void unbind(long serviceId) {
        bound.remove(serviceId);
    }

    /** A snapshot, ordered by scheme and then service id so the status reads the same every time. */
    public List<Bound> snapshot() {
        List<Bound> list = new ArrayList<>(bound.values());
        list.sort(Comparator.comparing(Bound::scheme).thenComparingLong(Bound::serviceId));
        return list;
    }
}
