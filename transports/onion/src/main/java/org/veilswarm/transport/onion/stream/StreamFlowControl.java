package org.veilswarm.transport.onion.stream;

import org.veilswarm.transport.onion.cell.StreamFlow;

/**
 * Stream-level flow control of one stream: windows with stream SENDMEs ({@link StreamWindow}, tor-spec §7.4) on
 * circuits with fixed windows, XON/XOFF ({@link XonXoffFlow}, proposal 324 §4.1) on circuits with congestion
 * control. Not thread-safe: used on the stream's event loop.
 */
interface StreamFlowControl {
    /** Whether this stream may send another DATA cell (the circuit may still say no). */
    boolean canPackage();

    /** One DATA cell of this stream sent. */
    void packaged();

    /** A stream SENDME arrived; false if it is a protocol violation. */
    boolean sendmeReceived();

    /** A DATA cell arrived; false if the other end sent more than it may. */
    boolean dataReceived();

    /** The reader consumed {@code cells} cells; returns how many stream SENDMEs to send now. */
    int consumed(int cells);

    /** Unread cells beyond which the stream is ended: the other end ignores flow control. */
    int queueLimit();

    /** A cell was queued for the reader, {@code queued} now wait: an XOFF to send, or null. */
    StreamFlow queued(int queued);

    /** The reader took cells, {@code queued} still wait: an XON to send, or null. */
    StreamFlow drained(int queued);

    /** An XON or XOFF arrived; false if it is a protocol violation that should close the circuit. */
    boolean flowReceived(StreamFlow message);
}
