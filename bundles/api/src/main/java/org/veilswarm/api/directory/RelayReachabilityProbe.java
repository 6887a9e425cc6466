package org.veilswarm.api.directory;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks that a relay is reachable at the addresses its descriptor gives and is the relay the descriptor
 * names. Directory authorities use it before listing a relay as Running (dir-spec §3.4.1: an authority
 * "tests reachability" by opening a link). A transport that can prove a relay's identity registers one as a
 * service (the onion transport: a TLS link handshake whose CERTS cell must carry the descriptor's Ed25519
 * identity, tor-spec §4.2), with {@value #METHOD} naming how it checks. Declared in the API so that the
 * authority never depends on a transport's implementation.
 */
@ConsumerType
public interface RelayReachabilityProbe {

    /** Service property naming how the probe checks, for example {@value #LINK_HANDSHAKE}. */
    String METHOD = "reachability.method";

    /** {@link #METHOD} of a probe that completes a link handshake proving the relay's identity. */
    String LINK_HANDSHAKE = "link-handshake";

    /**
     * Completes normally when the relay was reached and proved the descriptor's identity, exceptionally (with
     * the reason) when not. Never blocks the caller.
     */
    CompletionStage<Void> probe(RelayDescriptor relay);
}
