package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;

/**
 * RELAY_XOFF and RELAY_XON: stream flow control on a circuit with congestion control, which has no stream
 * windows (proposal 324 §4.1). XOFF asks the other end to stop sending on the stream; XON lets it go on and
 * advises a drain rate:
 * <pre>
 *   xoff_cell: version [1] = 0
 *   xon_cell:  version [1] = 0 | kbps_ewma [4]     (1000 bytes/s units; 0 = no limit)
 * </pre>
 * "Parties SHOULD treat XON or XOFF cells with unrecognized versions as a protocol violation": another
 * version fails decoding (circuit-fatal), as does a body too short for its fields.
 */
public final class StreamFlow implements RelayMessage {
    /** The only version of both cells. */
    public static final int VERSION = 0;
    public static final StreamFlow XOFF = new StreamFlow(RelayCommand.XOFF, 0);
    /** An XON without a rate advice: the sender may send as fast as its congestion window lets it. */
    public static final StreamFlow XON_UNLIMITED = new StreamFlow(RelayCommand.XON, 0);

    private final RelayCommand command;
    private final long kbpsEwma;

    private StreamFlow(RelayCommand command, long kbpsEwma) {
        this.command = command;
        this.kbpsEwma = kbpsEwma;
    }

    /** An XON advising {@code kbpsEwma} × 1000 bytes/s (0: no limit). */
    public static StreamFlow xon(long kbpsEwma) {
        if (kbpsEwma < 0 || kbpsEwma > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("kbps_ewma must fit in 32 unsigned bits, got " + kbpsEwma);
        }
        return kbpsEwma == 0 ? XON_UNLIMITED : new StreamFlow(RelayCommand.XON, kbpsEwma);
    }

    public boolean isXoff() {
        return command == RelayCommand.XOFF;
    }

    /** The XON's advised rate in 1000 bytes/s, 0 for none (and for XOFF). */
    public long kbpsEwma() {
        return kbpsEwma;
    }

    @Override
    public int commandCode() {
        return command.code();
    }

    static StreamFlow decodeXoff(BodyReader in) {
        checkVersion(in, "XOFF");
        in.skipRest();
        return XOFF;
    }

    static StreamFlow decodeXon(BodyReader in) {
        checkVersion(in, "XON");
        long rate = in.u32("kbps_ewma");
        in.skipRest();
        return xon(rate);
    }

    private static void checkVersion(BodyReader in, String what) {
        int version = in.u8("version");
        if (version != VERSION) {
            throw in.error(Defect.UNSUPPORTED_VERSION, what + " version " + version + " (proposal 324 §4.1 defines 0)");
        }
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(VERSION);
        if (command == RelayCommand.XON) {
            out.writeInt((int) kbpsEwma);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamFlow other && other.command == command && other.kbpsEwma == kbpsEwma;
    }

    @Override
    public int hashCode() {
        return command.hashCode() * 31 + Long.hashCode(kbpsEwma);
    }

    @Override
    public String toString() {
        return command == RelayCommand.XOFF ? "Xoff" : "Xon[" + kbpsEwma + " kB/s]";
    }
}
