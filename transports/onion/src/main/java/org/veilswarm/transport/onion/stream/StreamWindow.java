package org.veilswarm.transport.onion.stream;

import org.veilswarm.transport.onion.cell.StreamFlow;

/**
 * Stream-level flow control (tor-spec §7.4): package and deliver windows start at {@value #START}
 * DATA cells; a stream SENDME (empty body) adds {@value #INCREMENT}. The deliver side sends one for
 * every {@value #INCREMENT} cells the application has consumed (read from the channel), so a stream
 * whose reader stalls stops its sender: this is where back-pressure comes from.
 */
final class StreamWindow implements StreamFlowControl {
    /** STREAMWINDOW_START. */
    static final int START = 500;
    /** STREAMWINDOW_INCREMENT. */
    static final int INCREMENT = 50;

    private int packageWindow = START;
    private int deliverWindow = START;
    private int consumedUnacknowledged;

    @Override
    public boolean canPackage() {
        return packageWindow > 0;
    }

    int packageWindow() {
        return packageWindow;
    }

    @Override
    public void packaged() {
        if (packageWindow <= 0) {
            throw new IllegalStateException("stream package window is empty");
        }
        packageWindow--;
    }

    /** A stream SENDME arrived; false if it would open the window beyond its start (a protocol violation). */
    @Override
    public boolean sendmeReceived() {
        if (packageWindow + INCREMENT > START) {
            return false;
        }
        packageWindow += INCREMENT;
        return true;
    }

    /** A DATA cell arrived; false if the peer sent beyond the window. */
    @Override
    public boolean dataReceived() {
        if (deliverWindow <= 0) {
            return false;
        }
        deliverWindow--;
        return true;
    }

    /** The application consumed {@code cells} cells; returns how many stream SENDMEs to send now. */
    @Override
    public int consumed(int cells) {
        consumedUnacknowledged += cells;
        int sendmes = consumedUnacknowledged / INCREMENT;
        consumedUnacknowledged -= sendmes * INCREMENT;
        deliverWindow += sendmes * INCREMENT;
        return sendmes;
    }

    /** The deliver window bounds the queue already. */
    @Override
    public int queueLimit() {
        return Integer.MAX_VALUE;
    }

    @Override
    public StreamFlow queued(int queued) {
        return null;
    }

    @Override
    public StreamFlow drained(int queued) {
        return null;
    }

    /** XON/XOFF belong to circuits with congestion control: ignored here, as C tor drops them. */
    @Override
    public boolean flowReceived(StreamFlow message) {
        return true;
    }
}
