package org.veilswarm.peerwire;

/** BEP 6 {@code allowed fast}: a piece the receiver may request even while choked. */
public record AllowedFast(int piece) implements PeerMessage {

    public AllowedFast {
        if (piece < 0) {
            throw new IllegalArgumentException("negative piece index " + Integer.toUnsignedString(piece));
        }
    }
}
