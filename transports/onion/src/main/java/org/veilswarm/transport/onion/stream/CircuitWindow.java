package org.veilswarm.transport.onion.stream;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import org.veilswarm.transport.onion.cell.Sendme;

/**
 * Circuit-level flow control of one circuit edge (tor-spec §7.3) with authenticated SENDMEs (§7.4,
 * proposal 289). Only RELAY_DATA cells count. Sending: the package window starts at
 * {@value #START}; each cell takes one; the digest of every {@value #INCREMENT}th cell is remembered,
 * and a SENDME must echo the oldest one to add {@value #INCREMENT}. Receiving: the deliver window
 * starts at {@value #START}; after every {@value #INCREMENT}th cell a SENDME v1 carrying that cell's
 * digest is owed, and it goes out once the cells buffered unread at this edge are at most
 * {@value #INBOUND_BUDGET} (tor sends it on arrival, as its streams write into socket buffers; ours are
 * queued for slow readers, so the circuit must not outrun them). Not thread-safe: used on the edge's
 * event loop.
 */
final class CircuitWindow implements CircuitFlow {
    /** CIRCWINDOW_START. */
    static final int START = 1000;
    /** CIRCWINDOW_INCREMENT. */
    static final int INCREMENT = 100;

    /**
     * Unconsumed inbound DATA cells beyond which circuit SENDMEs are held back: two stream windows, so
     * one stalled reader does not stop the circuit's other streams. What an edge buffers is then at
     * most this plus one circuit window ({@value #START}), about 1 MiB, however many streams it has.
     */
    static final int INBOUND_BUDGET = 2 * StreamWindow.START;

    private int packageWindow = START;
    private int deliverWindow = START;
    /** Unconsumed cells, and the digests of the 100th, 200th, ... cell received whose SENDME has not been sent yet. */
    private final ReceivedCells received = new ReceivedCells(INCREMENT);
    /** Digests of the 100th, 200th, ... cell sent and not yet acknowledged: at most START / INCREMENT. */
    private final ArrayDeque<byte[]> expected = new ArrayDeque<>(START / INCREMENT);

    @Override
    public boolean canPackage() {
        return packageWindow > 0;
    }

    @Override
    public int packageWindow() {
        return packageWindow;
    }

    int deliverWindow() {
        return deliverWindow;
    }

    /** Whether the cell about to be sent is one whose digest a SENDME will echo. */
    @Override
    public boolean nextNeedsDigest() {
        return (packageWindow - 1) % INCREMENT == 0;
    }

    /** One DATA cell sent; {@code digest} is its running digest if {@link #nextNeedsDigest()} said so. */
    @Override
    public void packaged(byte[] digest) {
        if (packageWindow <= 0) {
            throw new IllegalStateException("circuit package window is empty");
        }
        packageWindow--;
        if (digest != null) {
            expected.addLast(digest);
        }
    }

    /**
     * A circuit-level SENDME arrived.
     *
     * @throws StreamProtocolException if none was due, if it is not version 1, or if its digest is not
     *     the one of the cell it must acknowledge (§7.4: the circuit must then be closed)
     */
    @Override
    public void sendmeReceived(Sendme sendme) throws StreamProtocolException {
        byte[] want = expected.pollFirst();
        if (want == null) {
            throw new StreamProtocolException("circuit SENDME with no window increment outstanding (§7.3)", -1);
        }
        byte[] got = sendme.digest().orElse(null);
        if (got == null) {
            throw new StreamProtocolException("unauthenticated (v0) circuit SENDME: v1 is required (§7.4)", -1);
        }
        if (!MessageDigest.isEqual(want, got)) {
            throw new StreamProtocolException("circuit SENDME v1 digest does not match the acknowledged cell (§7.4)", -1);
        }
        packageWindow += INCREMENT;
    }

    /**
     * One DATA cell arrived (for any stream, known or not). It stays unconsumed until
     * {@link #consumed} says so.
     *
     * @return true if this is a 100th cell: the caller records its running digest with
     *     {@link #sendmeOwed}, for the SENDME that will acknowledge it (§7.4)
     * @throws StreamProtocolException if the peer sent beyond the window
     */
    @Override
    public boolean dataReceived() throws StreamProtocolException {
        if (deliverWindow <= 0) {
            throw new StreamProtocolException("DATA beyond the circuit's deliver window (§7.3)", -1);
        }
        deliverWindow--;
        return received.received();
    }

    /** The running digest of a 100th received cell: a SENDME carrying it is owed. */
    @Override
    public void sendmeOwed(byte[] digest) {
        received.owe(digest);
    }

    /** {@code cells} received DATA cells left this edge: handed to a stream's pipeline, or dropped. */
    @Override
    public void consumed(int cells) {
        received.consumed(cells);
    }

    /** Received DATA cells not yet consumed (buffered in the streams of this edge). */
    @Override
    public int unconsumed() {
        return received.unconsumed();
    }

    /**
     * The digest for the next circuit SENDME to send now, reopening the deliver window by
     * {@value #INCREMENT}; null if none is owed, or if more than {@value #INBOUND_BUDGET} cells wait to be
     * consumed (the SENDME waits until the readers catch up, so the sender stops).
     */
    @Override
    public byte[] nextSendme() {
        if (!received.anyOwed() || received.unconsumed() > INBOUND_BUDGET) {
            return null;
        }
        deliverWindow += INCREMENT;
        return received.nextOwed();
    }
}
