package org.veilswarm.transport.onion.cell;

/**
 * HTYPE values of CREATE2 and EXTEND2 (tor-spec §5.1). Cells carry the raw 2-byte value; unknown
 * types are the handshake layer's to refuse (with DESTROY), not a format error.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1 CREATE and CREATED cells</a>
 */
public final class HandshakeType {
    /** The original TAP handshake (tor-spec §5.1.3); obsolete. */
    public static final int TAP = 0x0000;
    /** ntor: curve25519 and SHA-256 (tor-spec §5.1.4). */
    public static final int NTOR = 0x0002;
    /** ntor v3 (tor-spec §5.1.4.3 in later revisions; proposal 332). */
    public static final int NTOR_V3 = 0x0003;

    private HandshakeType() {
    }
}
