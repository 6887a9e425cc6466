package org.veilswarm.peerwire;

/** BEP 3 {@code have}: the sender has verified piece {@code piece}. */
public record Have(int piece) implements PeerMessage {

    public Have {
        if (piece < 0) {
            throw new IllegalArgumentException("negative piece index " + Integer.toUnsignedString(piece));
        }
    }
}
