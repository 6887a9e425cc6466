package org.veilswarm.transport.onion.cell;

/**
 * Sizes and offsets of tor-spec's cell formats, each with the section it comes from.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/cell-packet-format.html">tor-spec §3 Cell Packet format</a>
 */
public final class CellFormat {
    /** PAYLOAD_LEN, tor-spec §0.2: the payload of every fixed-length cell. */
    public static final int PAYLOAD_LEN = 509;

    /**
     * CIRCID_LEN before and in the first VERSIONS cell (tor-spec §3: "The first VERSIONS cell, and any
     * cells sent before the first VERSIONS cell, always have CIRCID_LEN == 2").
     */
    public static final int INITIAL_CIRCID_LEN = 2;

    /** CIRCID_LEN for link protocol 4 and later (tor-spec §3, §4.1). */
    public static final int CIRCID_LEN = 4;

    /** CELL_LEN(v) for v &ge; 4 (tor-spec §0.2): circuit ID, command, payload. */
    public static final int CELL_LEN = CIRCID_LEN + 1 + PAYLOAD_LEN;

    /** Circuit ID, command and 2-byte length of a variable-length cell on a v4+ link (tor-spec §3). */
    public static final int VAR_CELL_HEADER_LEN = CIRCID_LEN + 1 + 2;

    /** The same header with the 2-byte circuit ID used before negotiation. */
    public static final int INITIAL_VAR_CELL_HEADER_LEN = INITIAL_CIRCID_LEN + 1 + 2;

    /** The 2-byte length field of variable-length cells bounds their payload (tor-spec §3). */
    public static final int MAX_VAR_PAYLOAD_LEN = 0xFFFF;

    /** The oldest link protocol this codec speaks: the first with 4-byte circuit IDs (tor-spec §4.1). */
    public static final int MIN_LINK_PROTOCOL = 4;

    /** The newest link protocol this codec knows (5 adds link padding negotiation, tor-spec §4.1, §7.2). */
    public static final int MAX_LINK_PROTOCOL = 5;

    /**
     * The plaintext relay cell header (tor-spec §6.1): command [1], recognized [2], stream ID [2],
     * digest [4], length [2].
     */
    public static final int RELAY_HEADER_LEN = 11;

    /** The most data one relay cell carries: PAYLOAD_LEN - 11 = 498 (tor-spec §6.1). */
    public static final int RELAY_BODY_MAX_LEN = PAYLOAD_LEN - RELAY_HEADER_LEN;

    /** Offset of the 'Recognized' field in a relay cell payload (tor-spec §6.1). */
    public static final int RELAY_RECOGNIZED_OFFSET = 1;

    /** Offset of the StreamID field in a relay cell payload (tor-spec §6.1). */
    public static final int RELAY_STREAM_ID_OFFSET = 3;

    /** Offset of the 4-byte Digest field in a relay cell payload (tor-spec §6.1). */
    public static final int RELAY_DIGEST_OFFSET = 5;

    /** Length of the Digest field in a relay cell payload (tor-spec §6.1). */
    public static final int RELAY_DIGEST_LEN = 4;

    /** Offset of the Length field in a relay cell payload (tor-spec §6.1). */
    public static final int RELAY_LENGTH_OFFSET = 9;

    private CellFormat() {
    }

    /**
     * Whether a command introduces a variable-length cell on a link of protocol 3 or later:
     * "a command byte equal to 7 ("VERSIONS"), or greater than or equal to 128" (tor-spec §3).
     */
    public static boolean isVariableLength(int command) {
        return command == CellCommand.VERSIONS.code() || command >= 128;
    }

    /** Whether this codec can run a link of the given protocol version. */
    public static boolean isSupportedLinkProtocol(int version) {
        return version >= MIN_LINK_PROTOCOL && version <= MAX_LINK_PROTOCOL;
    }

    static String circuitIdText(int circuitId) {
        return "0x" + Integer.toHexString(circuitId);
    }
}
