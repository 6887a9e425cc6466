package org.veilswarm.transport.onion.cell;

/**
 * The command byte of a cell (tor-spec §3), with the kind of circuit ID each command carries.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/cell-packet-format.html">tor-spec §3</a>
 */
public enum CellCommand {
    /** Link keepalive (tor-spec §3, §7.2). */
    PADDING(0, CircuitIdRule.ANY),
    /** TAP handshake (tor-spec §5.1); not supported here, decoded as {@link UnsupportedCell}. */
    CREATE(1, CircuitIdRule.NONZERO),
    /** TAP handshake reply (tor-spec §5.1); not supported here, decoded as {@link UnsupportedCell}. */
    CREATED(2, CircuitIdRule.NONZERO),
    /** End-to-end data (tor-spec §5.5, §6). */
    RELAY(3, CircuitIdRule.NONZERO),
    /** Stop using a circuit (tor-spec §5.4). */
    DESTROY(4, CircuitIdRule.NONZERO),
    /** Create a circuit without public-key crypto (tor-spec §5.1.5). */
    CREATE_FAST(5, CircuitIdRule.NONZERO),
    /** Reply to CREATE_FAST (tor-spec §5.1.5). */
    CREATED_FAST(6, CircuitIdRule.NONZERO),
    /** Link protocol negotiation (tor-spec §4.1); variable-length. */
    VERSIONS(7, CircuitIdRule.ZERO),
    /** Time and addresses (tor-spec §4.5). */
    NETINFO(8, CircuitIdRule.ZERO),
    /** End-to-end data, limited in number (tor-spec §5.6). */
    RELAY_EARLY(9, CircuitIdRule.NONZERO),
    /** Extended CREATE (tor-spec §5.1). */
    CREATE2(10, CircuitIdRule.NONZERO),
    /** Extended CREATED (tor-spec §5.1). */
    CREATED2(11, CircuitIdRule.NONZERO),
    /** Link padding negotiation, link protocol 5 (tor-spec §7.2). */
    PADDING_NEGOTIATE(12, CircuitIdRule.ZERO),
    /** Variable-length padding (tor-spec §3, §7.2). */
    VPADDING(128, CircuitIdRule.ANY),
    /** Certificates (tor-spec §4.2). */
    CERTS(129, CircuitIdRule.ZERO),
    /** Challenge for initiator authentication (tor-spec §4.3). */
    AUTH_CHALLENGE(130, CircuitIdRule.ZERO),
    /** Initiator authentication (tor-spec §4.4). */
    AUTHENTICATE(131, CircuitIdRule.ZERO),
    /** Reserved for scanning resistance (tor-spec §3, §4); decoded as {@link UnsupportedCell}. */
    AUTHORIZE(132, CircuitIdRule.ZERO);

    /** Which circuit IDs a command may carry. */
    public enum CircuitIdRule {
        /** Link-level cells: "CircID 0 ... reserved for cells that do not belong to any circuit" (tor-spec §5.1.1). */
        ZERO,
        /** Circuit cells: "CircID 0 MUST not be used for circuits" (tor-spec §5.1.1). */
        NONZERO,
        /** Padding: receivers ignore the whole cell, circuit ID included. */
        ANY
    }

    private static final CellCommand[] BY_CODE = new CellCommand[256];

    static {
        for (CellCommand command : values()) {
            BY_CODE[command.code] = command;
        }
    }

    private final int code;
    private final CircuitIdRule circuitIdRule;

    CellCommand(int code, CircuitIdRule circuitIdRule) {
        this.code = code;
        this.circuitIdRule = circuitIdRule;
    }

    /** The command byte. */
    public int code() {
        return code;
    }

    public CircuitIdRule circuitIdRule() {
        return circuitIdRule;
    }

    /** Whether cells of this command are variable-length on link protocol 3 and later. */
    public boolean isVariableLength() {
        return CellFormat.isVariableLength(code);
    }

    /**
     * The command with this code, or {@code null} if the code is not one tor-spec §3 defines (such
     * cells are dropped: "Upon receiving any other value for the command field, an OR must drop the cell").
     */
    public static CellCommand fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
