package org.veilswarm.transport.onion.stream;

/**
 * How the streams of one circuit edge are flow-controlled: the fixed windows of tor-spec §7.3–7.4, or
 * congestion control (proposal 324: TOR_VEGAS at circuit level, XON/XOFF per stream) with a SENDME every
 * {@code sendmeIncrement} DATA cells. Both ends of a circuit must use the same; onion services agree on it in
 * the descriptor and the INTRODUCE cell (proposal 324 §9).
 */
public record FlowControl(int sendmeIncrement) {
    /** tor-spec §7.3–7.4: circuit window 1000/100, stream windows 500/50. */
    public static final FlowControl FIXED_WINDOWS = new FlowControl(0);
    /** cc_sendme_inc's default (proposal 324 §6.5.1), the value our services advertise. */
    public static final int DEFAULT_SENDME_INCREMENT = 31;
    public static final FlowControl CONGESTION_CONTROL = congestionControl(DEFAULT_SENDME_INCREMENT);

    public FlowControl {
        if (sendmeIncrement < 0 || sendmeIncrement > 255) {
            throw new IllegalArgumentException("sendme increment must be 1..255 (0 for fixed windows), got "
                    + sendmeIncrement);
        }
    }

    /** Congestion control with a SENDME every {@code sendmeIncrement} cells (1..255). */
    public static FlowControl congestionControl(int sendmeIncrement) {
        if (sendmeIncrement < 1) {
            throw new IllegalArgumentException("sendme increment must be 1..255, got " + sendmeIncrement);
        }
        return new FlowControl(sendmeIncrement);
    }

    public boolean isCongestionControl() {
        return sendmeIncrement > 0;
    }

    CircuitFlow newCircuitFlow() {
        return isCongestionControl() ? new CongestionWindow(sendmeIncrement) : new CircuitWindow();
    }

    StreamFlowControl newStreamFlow() {
        return isCongestionControl() ? new XonXoffFlow() : new StreamWindow();
    }

    @Override
    public String toString() {
        return isCongestionControl() ? "congestion control (sendme_inc " + sendmeIncrement + ")" : "fixed windows";
    }
}
