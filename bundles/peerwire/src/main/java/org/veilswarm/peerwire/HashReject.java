package org.veilswarm.peerwire;

/** BEP 52 {@code hash reject} (id 23): the request it answers, echoed. */
public record HashReject(HashRange range) implements PeerMessage {

    public HashReject {
        if (range == null) {
            throw new IllegalArgumentException("range");
        }
    }
}
