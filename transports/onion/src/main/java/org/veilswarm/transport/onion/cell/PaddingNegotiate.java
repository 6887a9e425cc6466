package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * PADDING_NEGOTIATE (link protocol 5): Version [1], Command [1], ito_low_ms [2], ito_high_ms [2].
 * Only version 0 is defined; Command 1 stops padding, 2 starts it. Out-of-range timeouts are clamped
 * by the receiver, so decoding accepts any values.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/flow-control.html">tor-spec §7.2 Link padding</a>
 */
public final class PaddingNegotiate implements Cell {
    public static final int STOP = 1;
    public static final int START = 2;

    private final int version;
    private final int paddingCommand;
    private final int itoLowMs;
    private final int itoHighMs;

    public PaddingNegotiate(int version, int paddingCommand, int itoLowMs, int itoHighMs) {
        this.version = Checks.unsigned(version, 8, "Version");
        this.paddingCommand = Checks.unsigned(paddingCommand, 8, "Command");
        this.itoLowMs = Checks.unsigned(itoLowMs, 16, "ito_low_ms");
        this.itoHighMs = Checks.unsigned(itoHighMs, 16, "ito_high_ms");
    }

    public int version() {
        return version;
    }

    /** {@link #START} or {@link #STOP} (other values are the receiver's to reject). */
    public int paddingCommand() {
        return paddingCommand;
    }

    public int itoLowMs() {
        return itoLowMs;
    }

    public int itoHighMs() {
        return itoHighMs;
    }

    @Override
    public int circuitId() {
        return 0;
    }

    @Override
    public CellCommand command() {
        return CellCommand.PADDING_NEGOTIATE;
    }

    static PaddingNegotiate decode(ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.LINK, CellCommand.PADDING_NEGOTIATE.code(), 0);
        PaddingNegotiate cell = new PaddingNegotiate(in.u8("Version"), in.u8("Command"),
                in.u16("ito_low_ms"), in.u16("ito_high_ms"));
        in.skipRest();
        return cell;
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(version).writeByte(paddingCommand).writeShort(itoLowMs).writeShort(itoHighMs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaddingNegotiate other && version == other.version
                && paddingCommand == other.paddingCommand && itoLowMs == other.itoLowMs
                && itoHighMs == other.itoHighMs;
    }

    @Override
    public int hashCode() {
        return ((version * 31 + paddingCommand) * 31 + itoLowMs) * 31 + itoHighMs;
    }

    @Override
    public String toString() {
        return "PaddingNegotiate[v" + version + ", command=" + paddingCommand + ", ito=" + itoLowMs + ".."
                + itoHighMs + " ms]";
    }
}
