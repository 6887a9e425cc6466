package org.veilswarm.directory.authority;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;
import org.veilswarm.api.directory.RelayDescriptor;

/**
 * How an authority checks that a relay is reachable at the addresses its descriptor gives. Declared here and
 * implemented below or beside: {@link TcpConnectProbe} (a TCP connect, for LANs and tests), or a full onion
 * link handshake that also proves the relay holds its Ed25519 identity (tor-spec §4; the onion transport's
 * {@code Links.connect} does this, see the authority tests).
 */
@ConsumerType
@FunctionalInterface
public interface ReachabilityProbe {

    /** Completes normally when the relay was reached, exceptionally (with the reason) when not. */
    CompletionStage<Void> probe(RelayDescriptor relay);
}
