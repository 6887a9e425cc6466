package org.veilswarm.api.transport;

import java.util.Objects;

/**
 * What a transport is.
 *
 * @param scheme the transport scheme, equal to the {@link Transport#SCHEME} service property
 * @param anonymity how much the transport hides
 * @param relaysForOthers whether this node forwards other nodes' traffic through this transport
 * @param hops onion hops between a client and the rendezvous or destination (0 for direct)
 * @param summary one line for operators, for example "native onion routing (tor-spec), 3 hops"
 */
public record TransportInfo(String scheme, Anonymity anonymity, boolean relaysForOthers, int hops, String summary) {

    public TransportInfo {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(anonymity, "anonymity");
        Objects.requireNonNull(summary, "summary");
        if (hops < 0) {
            throw new IllegalArgumentException("hops must be >= 0, got " + hops);
        }
    }

    /** Whether the transport gives any anonymity. */
    public boolean anonymous() {
        return anonymity != Anonymity.NONE;
    }

    /** The line shown to operators: the summary, preceded by a warning when the transport is not anonymous. */
    public String describe() {
        return anonymous() ? summary : anonymity.description() + " (" + scheme + ": " + summary + ")";
    }
}
