package org.veilswarm.peerwire;

/** BEP 6 {@code suggest piece}: a piece the sender would like to upload. */
public record SuggestPiece(int piece) implements PeerMessage {

    public SuggestPiece {
        if (piece < 0) {
            throw new IllegalArgumentException("negative piece index " + Integer.toUnsignedString(piece));
        }
    }
}
