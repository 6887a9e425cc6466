package org.veilswarm.transport.onion.stream;

import org.veilswarm.transport.onion.cell.StreamFlow;

/**
 * Stream flow control without windows (proposal 324 §4.1), for streams on circuits with congestion control: no
 * stream SENDMEs; the receiving end sends XOFF once more than {@value #XOFF_LIMIT} cells wait for a reader that
 * falls behind ({@code cc_xoff_client}, the onion-service default), and XON when they have all been read. The
 * sending end stops the stream on XOFF and resumes on XON. XON's advisory rate is sent as 0 ("unlimited") and
 * not used when received: the receiver's queue, not a rate, paces our streams. A first XOFF before
 * {@value #XOFF_LIMIT} cells were sent on the stream is refused (§4.1.4, against DropMark-style signalling).
 */
final class XonXoffFlow implements StreamFlowControl {
    /** cc_xoff_client: cells queued unread at the receiving end before it sends XOFF. */
    static final int XOFF_LIMIT = 500;

    private boolean stoppedByPeer;
    private boolean xoffSent;
    private long cellsSent;
    private boolean xoffSeen;

    /**
     * A stream whose unread cells pass this has a sender that ignores XOFF: after XOFF at most a congestion window
     * more can arrive ({@link CongestionWindow#CWND_MAX} for ours).
     */
    @Override
    public int queueLimit() {
        return XOFF_LIMIT + CongestionWindow.CWND_MAX;
    }

    @Override
    public boolean canPackage() {
        return !stoppedByPeer;
    }

    @Override
    public void packaged() {
        cellsSent++;
    }

    /** §2.2: stream-level SENDMEs are gone on these circuits; one is a violation. */
    @Override
    public boolean sendmeReceived() {
        return false;
    }

    @Override
    public boolean dataReceived() {
        return true;
    }

    @Override
    public int consumed(int cells) {
        return 0;
    }

    @Override
    public StreamFlow queued(int queued) {
        if (!xoffSent && queued > XOFF_LIMIT) {
            xoffSent = true;
            return StreamFlow.XOFF;
        }
        return null;
    }

    @Override
    public StreamFlow drained(int queued) {
        if (xoffSent && queued == 0) {
            xoffSent = false;
            return StreamFlow.XON_UNLIMITED;
        }
        return null;
    }

    @Override
    public boolean flowReceived(StreamFlow message) {
        if (message.isXoff()) {
            if (!xoffSeen && cellsSent < XOFF_LIMIT) {
                return false;
            }
            xoffSeen = true;
            stoppedByPeer = true;
        } else {
            stoppedByPeer = false;
        }
        return true;
    }
}
