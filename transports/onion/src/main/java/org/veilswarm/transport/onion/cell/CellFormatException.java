package org.veilswarm.transport.onion.cell;

import io.netty.handler.codec.CorruptedFrameException;
import java.util.Objects;

/**
 * Malformed cell bytes. Says what is wrong ({@link #defect()}) and how much must be torn down
 * ({@link #scope()}):
 * <ul>
 * <li>{@link Scope#LINK}: the link (TLS connection) must be closed. Framing is lost, the link
 *     handshake is broken, or a cell breaks a rule that only a broken or hostile peer breaks. The
 *     {@link CellDecoder} throws these and then discards everything that follows.</li>
 * <li>{@link Scope#CIRCUIT}: only circuit {@link #circuitId()} must be destroyed (DESTROY with
 *     reason PROTOCOL, tor-spec §5.4); the link and its other circuits go on. The decoder does not
 *     throw these: it emits a {@link MalformedCell} in the cell stream, the way Netty's HTTP codec
 *     reports a bad message in-band, so that the cells after it keep flowing. Relay message parsing
 *     ({@link RelayPayloadCodec}) throws them, as {@link RelayMessageFormatException}.</li>
 * </ul>
 */
public class CellFormatException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    /** How much a malformed cell tears down. */
    public enum Scope {
        /** Close the whole link. */
        LINK,
        /** Destroy the one circuit; keep the link. */
        CIRCUIT
    }

    /** What is wrong with the bytes. */
    public enum Defect {
        /**
         * A cell other than VERSIONS, VPADDING or AUTHORIZE arrived before VERSIONS (tor-spec §4: "the
         * first cell must be VERSIONS, VPADDING, or AUTHORIZE"), or a fixed-length cell, which cannot
         * be framed before the circuit ID width is negotiated.
         */
        CELL_BEFORE_VERSIONS,
        /** A VERSIONS payload with an odd number of bytes (tor-spec §4.1: "MUST close the connection"). */
        MALFORMED_VERSIONS,
        /**
         * A link cell with a nonzero circuit ID, or a circuit cell with circuit ID 0 (tor-spec §5.1.1:
         * "CircID 0 MUST not be used for circuits").
         */
        WRONG_CIRCUIT_ID,
        /** The body ends before a field it declares. */
        TRUNCATED,
        /** A length field says more than the space there is (e.g. HLEN, relay Length &gt; 498, CLEN). */
        LENGTH_OUT_OF_RANGE,
        /** A variable-length cell longer than this decoder accepts. */
        CELL_TOO_LONG,
        /** A field that may occur once occurs twice (a CertType, an identity link specifier). */
        DUPLICATE,
        /** A known link specifier type with the wrong length (tor-spec §5.1.2). */
        BAD_LINK_SPECIFIER,
        /** An address that does not parse (BEGIN's ADDRPORT, CONNECTED's address type; tor-spec §6.2). */
        BAD_ADDRESS,
        /** A version number this implementation does not accept (SENDME, tor-spec §7.3.1). */
        UNSUPPORTED_VERSION,
        /** A field value outside what the spec allows. */
        BAD_VALUE
    }

    private final Scope scope;
    private final Defect defect;
    private final int command;
    private final int circuitId;
    private final String detail;

    /**
     * @param command the cell command byte the problem was found in, or -1 if unknown
     * @param circuitId the circuit the cell belongs to (0 for link cells)
     */
    public CellFormatException(Scope scope, Defect defect, int command, int circuitId, String message) {
        super(describe(scope, defect, command, circuitId, message));
        this.scope = Objects.requireNonNull(scope, "scope");
        this.defect = Objects.requireNonNull(defect, "defect");
        this.command = command;
        this.circuitId = circuitId;
        this.detail = message;
    }

    static CellFormatException linkFatal(Defect defect, int command, int circuitId, String message) {
        return new CellFormatException(Scope.LINK, defect, command, circuitId, message);
    }

    static CellFormatException circuitFatal(Defect defect, int command, int circuitId, String message) {
        return new CellFormatException(Scope.CIRCUIT, defect, command, circuitId, message);
    }

    public Scope scope() {
        return scope;
    }

    /** True if the link must be closed; false if destroying {@link #circuitId()} is enough. */
    public boolean isLinkFatal() {
        return scope == Scope.LINK;
    }

    public Defect defect() {
        return defect;
    }

    /** The cell command byte, or -1 if the problem came before the command was known. */
    public int command() {
        return command;
    }

    /** The circuit ID of the offending cell (0 for link cells). */
    public int circuitId() {
        return circuitId;
    }

    /** The same problem, raised to link scope (e.g. a circuit-level defect in a link handshake cell). */
    CellFormatException asLinkFatal() {
        if (isLinkFatal()) {
            return this;
        }
        CellFormatException raised = linkFatal(defect, command, circuitId, detail);
        raised.initCause(this);
        return raised;
    }

    /** The specific problem, without the scope/defect/command prefix of {@link #getMessage()}. */
    public String detail() {
        return detail;
    }

    private static String describe(Scope scope, Defect defect, int command, int circuitId, String message) {
        CellCommand known = CellCommand.fromCode(command);
        String commandText = known != null ? known.name() : command < 0 ? "?" : "command " + command;
        return scope + "-fatal " + defect + " in " + commandText
                + (circuitId != 0 ? " on circuit " + CellFormat.circuitIdText(circuitId) : "") + ": " + message;
    }
}
