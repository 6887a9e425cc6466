package org.veilswarm.peerwire;

/**
 * Bounds on what one peer may make us buffer or compute.
 *
 * @param maxMessageLength   largest frame (length prefix value) of any message but {@code piece}: bounds
 *                           bitfields, extended messages and hashes; 1 MiB covers a bitfield of 8 million
 *                           pieces
 * @param maxBlockLength     largest block in {@code request}/{@code piece}/{@code cancel}/{@code reject}:
 *                           BEP 3 says all current implementations use 2^14 and close connections asking
 *                           for more; BEP 52 fixes blocks at 16 KiB
 * @param maxHashesRequested largest {@code length} of a BEP 52 hash request ("SHOULD NOT be greater
 *                           than 512"; we accept more from others but never more than this)
 */
public record PeerWireLimits(int maxMessageLength, int maxBlockLength, int maxHashesRequested) {

    public static final int BLOCK_SIZE = 16 * 1024;

    public static final PeerWireLimits DEFAULT = new PeerWireLimits(1 << 20, BLOCK_SIZE, 8192);

    public PeerWireLimits {
        if (maxBlockLength < 1 || maxBlockLength > (1 << 24)) {
            throw new IllegalArgumentException("maxBlockLength out of range: " + maxBlockLength);
        }
        if (maxMessageLength < 64 || maxMessageLength > (1 << 28)) {
            throw new IllegalArgumentException("maxMessageLength out of range: " + maxMessageLength);
        }
        if (maxHashesRequested < 2 || Integer.bitCount(maxHashesRequested) != 1) {
            throw new IllegalArgumentException("maxHashesRequested must be a power of two >= 2");
        }
    }

    public PeerWireLimits withMaxMessageLength(int value) {
        return new PeerWireLimits(value, maxBlockLength, maxHashesRequested);
    }

    /** Largest {@code piece} frame: id, index and begin (9 bytes) plus one block. */
    public int maxPieceFrameLength() {
        return 9 + maxBlockLength;
    }
}
