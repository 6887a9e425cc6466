package org.veilswarm.transport.onion.stream;

import org.veilswarm.transport.onion.cell.Sendme;

/**
 * Circuit-level flow control of one circuit edge: fixed windows ({@link CircuitWindow}, tor-spec §7.3) or
 * congestion control ({@link CongestionWindow}, proposal 324). Only RELAY_DATA cells count. Both use
 * authenticated SENDMEs (§7.4, proposal 289): the sender remembers the running digest of every cell that will
 * make the other end send a SENDME, and the SENDME must echo it. Not thread-safe: used on the edge's event loop.
 */
interface CircuitFlow {
    /** Whether another DATA cell may be sent now. */
    boolean canPackage();

    /** DATA cells that may be sent now (0 if none), for tests and monitoring. */
    int packageWindow();

    /** Whether the cell about to be sent is one whose digest a SENDME will echo. */
    boolean nextNeedsDigest();

    /** One DATA cell sent; {@code digest} is its running digest if {@link #nextNeedsDigest()} said so. */
    void packaged(byte[] digest);

    /**
     * A circuit-level SENDME arrived.
     *
     * @throws StreamProtocolException if none was due, if it is not version 1, or if its digest is not the one
     *     of the cell it must acknowledge (§7.4: the circuit must then be closed)
     */
    void sendmeReceived(Sendme sendme) throws StreamProtocolException;

    /**
     * One DATA cell arrived (for any stream, known or not); it stays unconsumed until {@link #consumed} says so.
     *
     * @return true if this cell makes a SENDME due: the caller records its running digest with
     *     {@link #sendmeOwed}
     * @throws StreamProtocolException if the other end sent more than it may
     */
    boolean dataReceived() throws StreamProtocolException;

    /** The running digest of the cell that made a SENDME due. */
    void sendmeOwed(byte[] digest);

    /** {@code cells} received DATA cells left this edge: handed to a stream's pipeline, or dropped. */
    void consumed(int cells);

    /** Received DATA cells not yet consumed (buffered in the streams of this edge). */
    int unconsumed();

    /** The digest for the next circuit SENDME to send now; null if none is to go now. */
    byte[] nextSendme();
}
