package org.veilswarm.transport.onion.cell;

/**
 * The relay command byte of a plaintext relay cell (tor-spec §6.1), with the direction it may travel
 * in and whether it concerns a stream or the whole circuit ("[control]" commands use StreamID 0).
 * This package parses BEGIN, DATA, END, CONNECTED, SENDME, TRUNCATE, TRUNCATED, DROP, BEGIN_DIR,
 * EXTEND2, EXTENDED2, XOFF and XON; the others decode as {@link UnparsedRelayMessage}.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public enum RelayCommand {
    BEGIN(1, Direction.FORWARD, false),
    DATA(2, Direction.BOTH, false),
    END(3, Direction.BOTH, false),
    CONNECTED(4, Direction.BACKWARD, false),
    /** Circuit-level with StreamID 0, stream-level otherwise (tor-spec §7.3, §7.4). */
    SENDME(5, Direction.BOTH, false),
    /** TAP-era EXTEND (tor-spec §5.1.2); not parsed here. */
    EXTEND(6, Direction.FORWARD, true),
    /** TAP-era EXTENDED (tor-spec §5.1.2); not parsed here. */
    EXTENDED(7, Direction.BACKWARD, true),
    TRUNCATE(8, Direction.FORWARD, true),
    TRUNCATED(9, Direction.BACKWARD, true),
    DROP(10, Direction.BOTH, true),
    RESOLVE(11, Direction.FORWARD, false),
    RESOLVED(12, Direction.BACKWARD, false),
    BEGIN_DIR(13, Direction.FORWARD, false),
    EXTEND2(14, Direction.FORWARD, true),
    EXTENDED2(15, Direction.BACKWARD, true),
    /** Conflux (proposal 329). */
    CONFLUX_LINK(19, Direction.FORWARD, true),
    CONFLUX_LINKED(20, Direction.BACKWARD, true),
    CONFLUX_LINKED_ACK(21, Direction.FORWARD, true),
    CONFLUX_SWITCH(22, Direction.BOTH, true),
    /** Onion services (rend-spec-v3). */
    ESTABLISH_INTRO(32, Direction.FORWARD, true),
    ESTABLISH_RENDEZVOUS(33, Direction.FORWARD, true),
    INTRODUCE1(34, Direction.FORWARD, true),
    INTRODUCE2(35, Direction.BACKWARD, true),
    RENDEZVOUS1(36, Direction.FORWARD, true),
    RENDEZVOUS2(37, Direction.BACKWARD, true),
    INTRO_ESTABLISHED(38, Direction.BACKWARD, true),
    RENDEZVOUS_ESTABLISHED(39, Direction.BACKWARD, true),
    INTRODUCE_ACK(40, Direction.BACKWARD, true),
    /** Circuit padding (padding-spec §3). */
    PADDING_NEGOTIATE(41, Direction.FORWARD, true),
    PADDING_NEGOTIATED(42, Direction.BACKWARD, true),
    /**
     * Stream flow control on circuits with congestion control (proposal 324 §4.1). The codes are C tor's
     * ({@code RELAY_COMMAND_XOFF 43}, {@code RELAY_COMMAND_XON 44} in {@code or.h}), which is what goes on the
     * wire; the 2023 tor-spec text lists the two names the other way round.
     */
    XOFF(43, Direction.BOTH, false),
    XON(44, Direction.BOTH, false);

    /**
     * Who may send a command: "forward" ones only the circuit's originator, "backward" ones only other
     * nodes of the circuit (tor-spec §6.1).
     */
    public enum Direction {
        FORWARD, BACKWARD, BOTH
    }

    private static final RelayCommand[] BY_CODE = new RelayCommand[256];

    static {
        for (RelayCommand command : values()) {
            BY_CODE[command.code] = command;
        }
    }

    private final int code;
    private final Direction direction;
    private final boolean control;

    RelayCommand(int code, Direction direction, boolean control) {
        this.code = code;
        this.direction = direction;
        this.control = control;
    }

    public int code() {
        return code;
    }

    public Direction direction() {
        return direction;
    }

    /** True for "[control]" commands, which affect the whole circuit and use StreamID 0. */
    public boolean isControl() {
        return control;
    }

    /** The command with this code, or {@code null} for one tor-spec does not list. */
    public static RelayCommand fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
