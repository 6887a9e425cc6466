package org.veilswarm.peerwire;

/** BEP 52 {@code hash request} (id 21). */
public record HashRequest(HashRange range) implements PeerMessage {

    public HashRequest {
        if (range == null) {
            throw new IllegalArgumentException("range");
        }
    }
}
