package org.veilswarm.directory.authority.impl;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayReachabilityProbe;
import org.veilswarm.directory.authority.ReachabilityProbe;

/**
 * The authority's reachability check: the bound link-handshake probe (a transport service proving the relay's
 * identity, tor-spec §4) whenever one is bound; otherwise a TCP connect when the operator allows that fallback,
 * logged because it lists impostors a handshake would catch; otherwise every relay is unreachable, with the
 * reason.
 */
final class HandshakeOrTcpProbe implements ReachabilityProbe {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.directory.authority");
    static final String NO_PROBE = "no link-handshake reachability probe is bound (install the onion transport) "
            + "and tcpReachabilityFallback is off";

    private final ReachabilityProbe tcpFallback;
    private final AtomicBoolean fallbackAnnounced = new AtomicBoolean();
    private volatile RelayReachabilityProbe handshake;

    /** @param tcpFallback the probe used while no handshake probe is bound, or null to refuse every relay then */
    HandshakeOrTcpProbe(ReachabilityProbe tcpFallback) {
        this.tcpFallback = tcpFallback;
    }

    void bind(RelayReachabilityProbe probe) {
        handshake = Objects.requireNonNull(probe, "probe");
        fallbackAnnounced.set(false);
        LOG.log(System.Logger.Level.INFO, "reachability: relays are checked by link handshake");
    }

    /** A greedy replacement binds the new probe before unbinding the old: only the current one is dropped. */
    void unbind(RelayReachabilityProbe probe) {
        if (handshake == probe) {
            handshake = null;
        }
    }

    /** Whether relays are checked by a handshake right now. */
    boolean handshakeBound() {
        return handshake != null;
    }

    @Override
    public CompletionStage<Void> probe(RelayDescriptor relay) {
        RelayReachabilityProbe h = handshake;
        if (h != null) {
            return h.probe(relay);
        }
        if (tcpFallback == null) {
            return CompletableFuture.failedFuture(new DirectoryException(NO_PROBE));
        }
        if (fallbackAnnounced.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "reachability: no link-handshake probe is bound; relays are checked "
                    + "by TCP connect only, which cannot tell a relay from an impostor at its address "
                    + "(tcpReachabilityFallback=true)");
        }
        return tcpFallback.probe(relay);
    }
}
