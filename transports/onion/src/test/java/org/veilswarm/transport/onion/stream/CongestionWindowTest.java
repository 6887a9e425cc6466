package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.cell.Sendme;

/**
 * {@link CongestionWindow} against proposal 324's rules, on a clock the test moves: authenticated SENDMEs every
 * 31 cells, slow start, its exit on a growing queue, and the steady-state Vegas steps.
 */
class CongestionWindowTest {
    private static final int INC = 31;
    private static final long MS = 1_000_000;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final CongestionWindow window = new CongestionWindow(INC, now::get);
    /** Digests of the 31st, 62nd, ... cells sent, in order, as the receiving end would echo them. */
    private final ArrayDeque<byte[]> sentDigests = new ArrayDeque<>();
    private int sent;

    /** Sends as many cells as the window allows; each 31st gets a distinct digest. */
    private int fill() {
        int before = sent;
        while (window.canPackage()) {
            byte[] digest = null;
            if (window.nextNeedsDigest()) {
                digest = new byte[Sendme.DIGEST_LEN];
                digest[0] = (byte) sent;
                digest[1] = (byte) (sent >> 8);
                digest[2] = (byte) (sent >> 16);
                sentDigests.add(digest);
            }
            window.packaged(digest);
            sent++;
        }
        return sent - before;
    }

    /** The SENDME for the oldest digest, {@code rttMillis} after it was sent (the clock moves by that). */
    private void ack(long rttMillis) throws StreamProtocolException {
        now.addAndGet(rttMillis * MS);
        window.sendmeReceived(Sendme.authenticated(sentDigests.poll()));
        now.addAndGet(-rttMillis * MS + 1); // the next cells leave (almost) when this one came back
    }

    @Test
    void theWindowStartsAtFourIncrementsAndEveryThirtyFirstCellIsRemembered() throws Exception {
        assertEquals(4 * INC, fill(), "cc_cwnd_init = 4 × cc_sendme_inc");
        assertFalse(window.canPackage());
        assertEquals(4, sentDigests.size(), "one digest per 31 cells");
        assertThrows(IllegalStateException.class, () -> window.packaged(null));
    }

    @Test
    void aSendmeMustEchoTheDigestOfTheCellItAcknowledges() throws Exception {
        fill();
        byte[] wrong = new byte[Sendme.DIGEST_LEN];
        wrong[19] = 1;
        assertThrows(StreamProtocolException.class, () -> window.sendmeReceived(Sendme.authenticated(wrong)));
        assertThrows(StreamProtocolException.class, () -> window.sendmeReceived(Sendme.UNAUTHENTICATED),
                "v0 is refused");
        CongestionWindow idle = new CongestionWindow(INC, now::get);
        assertThrows(StreamProtocolException.class, () -> idle.sendmeReceived(Sendme.authenticated(new byte[20])),
                "nothing was due");
    }

    @Test
    void slowStartGrowsHalfAnIncrementPerSendmeWhileTheRoundTripStaysFlat() throws Exception {
        fill();
        ack(2);
        assertEquals(4 * INC + 16, window.cwnd(), "rfc3742_ss_inc below the cap: round(50 % × 31) = 16");
        assertEquals(3 * INC, window.inflight());
        assertTrue(window.inSlowStart());
        for (int i = 0; i < 40; i++) {
            fill();
            ack(2);
        }
        assertTrue(window.cwnd() > CongestionWindow.SS_CAP, "a flat RTT lets slow start pass the RFC 3742 cap: "
                + window);
        assertTrue(window.inSlowStart(), window.toString());
        assertEquals(2 * MS, window.rttMinNanos());
    }

    @Test
    void aGrowingQueueEndsSlowStartAtTheEstimatedBandwidthDelayProductPlusGamma() throws Exception {
        for (int i = 0; i < 9; i++) {
            fill();
            ack(2); // RTT_min = 2 ms
        }
        assertTrue(window.inSlowStart());
        int before = 0;
        long rtt = 2;
        for (int i = 0; i < 20 && window.inSlowStart(); i++) {
            fill();
            before = window.cwnd();
            rtt *= 2; // a queue builds up along the path
            ack(rtt);
        }
        assertFalse(window.inSlowStart(), "queue_use >= gamma (" + CongestionWindow.GAMMA + ") ends slow start: " + window);
        // cwnd = BDP + gamma with BDP = cwnd × RTT_min / RTT_ewma <= cwnd - gamma: below the window it had.
        assertTrue(window.cwnd() >= CongestionWindow.GAMMA && window.cwnd() < before,
                "cwnd = BDP + gamma, below the " + before + " slow start had reached: " + window);
    }

    @Test
    void inSteadyStateALowQueueGrowsTheWindowByOneIncrementPerWindowAndAHighOneShrinksIt() throws Exception {
        // Leave slow start through the hard cap on a flat RTT, then hold the RTT at its minimum.
        fill();
        ack(2);
        while (window.inSlowStart()) {
            fill();
            ack(2);
        }
        assertEquals(CongestionWindow.CWND_MAX, window.cwnd(), "cc_ss_max ends slow start: " + window);
        // At the maximum a flat RTT cannot grow it further.
        for (int i = 0; i < 400; i++) {
            fill();
            ack(2);
        }
        assertEquals(CongestionWindow.CWND_MAX, window.cwnd());
        // Now the RTT triples for good: queue_use = cwnd × (1 - 1/3) > delta, so the window is cut to BDP + delta - inc.
        for (int i = 0; i < 400; i++) { // one Vegas update per window of acknowledgements: ~160 at cc_ss_max
            fill();
            ack(6);
        }
        int afterCut = window.cwnd();
        assertTrue(afterCut < CongestionWindow.CWND_MAX, "a tripled RTT shrinks the window: " + window);
        // With the RTT back at its minimum the queue is empty again and the window grows by 31 per window of acks.
        for (int i = 0; i < 200; i++) {
            fill();
            ack(2);
        }
        assertTrue(window.cwnd() > afterCut, "an empty queue with a full window grows it: " + window);
        assertEquals(0, (window.cwnd() - afterCut) % INC, "steady-state steps are cc_cwnd_inc = 31 cells: " + window
                + " from " + afterCut);
    }

    @Test
    void theReceivingSideOwesASendmeEveryThirtyFirstCellAndSendsItAtOnce() throws Exception {
        CongestionWindow receiver = new CongestionWindow(INC, now::get);
        int due = 0;
        for (int i = 1; i <= 100; i++) {
            if (receiver.dataReceived()) {
                due++;
                assertEquals(0, i % INC, "cell " + i);
                receiver.sendmeOwed(new byte[] {(byte) i});
                assertNotNull(receiver.nextSendme(), "no hold-back for unread cells (proposal 324 §4.1)");
            }
        }
        assertEquals(3, due);
        assertEquals(100, receiver.unconsumed());
        assertNull(receiver.nextSendme());
        receiver.consumed(100);
        assertEquals(0, receiver.unconsumed());
    }

    @Test
    void aSenderThatIgnoresXoffIsStoppedAtTheUnconsumedLimit() throws Exception {
        CongestionWindow receiver = new CongestionWindow(INC, now::get);
        for (int i = 0; i < CongestionWindow.UNCONSUMED_LIMIT; i++) {
            receiver.dataReceived();
        }
        assertThrows(StreamProtocolException.class, receiver::dataReceived);
    }
}
