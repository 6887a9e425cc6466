package org.veilswarm.peerwire;

/**
 * The three messages naming a block: BEP 3 {@code request} and {@code cancel}, BEP 6
 * {@code reject request}; each is index, begin and length.
 *
 * @param kind   which of the three
 * @param piece  piece index
 * @param offset byte offset within the piece ("begin")
 * @param length block length, 1 to {@link PeerWireLimits#maxBlockLength()}
 */
public record BlockRequest(Kind kind, int piece, int offset, int length) implements PeerMessage {

    public enum Kind {
        REQUEST(MessageIds.REQUEST), CANCEL(MessageIds.CANCEL), REJECT(MessageIds.REJECT_REQUEST);

        private final int id;

        Kind(int id) {
            this.id = id;
        }

        public int id() {
            return id;
        }
    }

    public BlockRequest {
        if (kind == null) {
            throw new IllegalArgumentException("kind");
        }
        if (piece < 0 || offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad block " + Integer.toUnsignedString(piece) + "/"
                    + Integer.toUnsignedString(offset) + "/" + Integer.toUnsignedString(length));
        }
    }

    public static BlockRequest request(int piece, int offset, int length) {
        return new BlockRequest(Kind.REQUEST, piece, offset, length);
    }

    public static BlockRequest cancel(int piece, int offset, int length) {
        return new BlockRequest(Kind.CANCEL, piece, offset, length);
    }

    public static BlockRequest reject(int piece, int offset, int length) {
        return new BlockRequest(Kind.REJECT, piece, offset, length);
    }
}
