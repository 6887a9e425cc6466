package org.veilswarm.transport.onion.stream;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.veilswarm.transport.onion.cell.Sendme;

/**
 * Circuit-level congestion control after proposal 324: TOR_VEGAS with RFC 3742 limited slow start (§3.3), the
 * congestion-window BDP estimator (§3.1.2) and N_EWMA-smoothed round-trip times (§2.1, §2.1.2), with the
 * parameters' defaults for onion-service circuits (§6.5). It replaces the fixed windows of {@link CircuitWindow}
 * on circuits that negotiated it (proposal 324 §9 for onion services).
 *
 * <p>Sending: at most {@code cwnd} DATA cells unacknowledged ("inflight"); the running digest and the send
 * time of every {@code sendmeInc}-th cell are kept, and the SENDME acknowledging it must echo the digest
 * (§2.2: authenticated SENDMEs as before) and gives one round-trip sample. Each SENDME runs the Vegas update:
 * with {@code queue_use = cwnd - cwnd * RTT_min / RTT_ewma}, slow start grows the window while the queue is
 * below gamma; after it, the window grows by {@code cc_cwnd_inc} once per window while the queue is below alpha,
 * shrinks above beta, and is cut to {@code BDP + delta} above delta. The window only grows while it is full.
 * C tor's "orconn blocked" signal is not used (this edge does not see its link's queue), so the RTT is the only
 * congestion signal.
 *
 * <p>Receiving: a SENDME for every {@code sendmeInc}-th DATA cell, sent at once, before the cells reach their
 * streams (§4.1); a stream whose reader falls behind is stopped with XOFF instead ({@link XonXoffFlow}).
 * There is no deliver window to police, so received cells not yet consumed above {@link #UNCONSUMED_LIMIT}
 * count as a violation (§4.1.3 lets an endpoint close what a peer that ignores XOFF makes it buffer).
 */
final class CongestionWindow implements CircuitFlow {
    /** cc_cwnd_init = 4 × cc_sendme_inc. */
    static final int CWND_INIT_INCREMENTS = 4;
    /**
     * cc_ss_max, the hard maximum of slow start; this implementation also never lets the window grow beyond it,
     * which bounds what a circuit has in flight (2.4 MiB) whatever the round trip.
     */
    static final int CWND_MAX = 5000;
    /** cc_cwnd_inc_pct_ss: slow start grows the window by half of itself per window of acknowledgements. */
    static final int CWND_INC_PCT_SS = 50;
    /** cc_cwnd_inc_rate: one steady-state update per congestion window. */
    static final int CWND_INC_RATE = 1;
    /** cc_sscap_onion: the RFC 3742 cap for onion-service circuits. */
    static final int SS_CAP = 600;
    /** OUTBUF_CELLS of §6.5.3: two TLS records of cells. */
    static final int OUTBUF_CELLS = 62;
    /** cc_vegas_{alpha,beta,gamma,delta}_onion. */
    static final int ALPHA = 3 * OUTBUF_CELLS;
    static final int BETA = 7 * OUTBUF_CELLS;
    static final int GAMMA = 5 * OUTBUF_CELLS;
    static final int DELTA = 9 * OUTBUF_CELLS;
    /** cc_cwnd_full_gap (in sendme increments), cc_cwnd_full_minpct, cc_cwnd_full_per_cwnd = 1. */
    static final int CWND_FULL_GAP = 1;
    static final int CWND_FULL_MINPCT = 75;
    /** cc_ewma_ss, cc_ewma_cwnd_pct, cc_ewma_max. */
    static final int EWMA_SS = 2;
    static final int EWMA_CWND_PCT = 50;
    static final int EWMA_MAX = 10;
    /** §2.1.1: a sample this many times above or below the smoothed RTT is a clock jump or stall. */
    static final long CLOCK_JUMP_FACTOR = 5000;
    /**
     * Received, unconsumed DATA cells beyond which the sender is taken to ignore XOFF: every stream the other end
     * may open stopped at its XOFF limit, plus a whole window in flight. Each stream also has its own limit
     * ({@link XonXoffFlow#queueLimit()}).
     */
    static final int UNCONSUMED_LIMIT = CircuitStreams.MAX_ACCEPTED_STREAMS * XonXoffFlow.XOFF_LIMIT + CWND_MAX;

    private final int sendmeInc;
    private final int cwndMin;
    private final int cwndInc;
    private final LongSupplier nanoClock;

    private int cwnd;
    private int inflight;
    private boolean inSlowStart = true;
    private boolean cwndFull;
    private int nextCcEvent;
    private int nextCwndEvent;
    private long rttEwma;
    private long rttMin = Long.MAX_VALUE;
    private boolean clockStalled;
    private long sendmes;

    /** Digests and send times (nanoTime) of the sendmeInc-th cells sent and not yet acknowledged. */
    private final ArrayDeque<byte[]> expected = new ArrayDeque<>();
    private final ArrayDeque<long[]> sentAt = new ArrayDeque<>();

    private final ReceivedCells received;

    CongestionWindow(int sendmeInc) {
        this(sendmeInc, System::nanoTime);
    }

    CongestionWindow(int sendmeInc, LongSupplier nanoClock) {
        if (sendmeInc < 1 || sendmeInc > 255) {
            throw new IllegalArgumentException("sendme increment must be 1..255, got " + sendmeInc);
        }
        this.sendmeInc = sendmeInc;
        this.cwndMin = sendmeInc; // cc_cwnd_min defaults to one increment
        this.cwndInc = sendmeInc; // cc_cwnd_inc likewise
        this.cwnd = CWND_INIT_INCREMENTS * sendmeInc;
        this.nanoClock = nanoClock;
        this.received = new ReceivedCells(sendmeInc);
    }

    int cwnd() {
        return cwnd;
    }

    int inflight() {
        return inflight;
    }

    boolean inSlowStart() {
        return inSlowStart;
    }

    /** The minimum smoothed round trip in nanoseconds ({@code Long.MAX_VALUE} before any). */
    long rttMinNanos() {
        return rttMin;
    }

    /** SENDMEs received so far. */
    long sendmes() {
        return sendmes;
    }

    @Override
    public boolean canPackage() {
        return inflight < cwnd;
    }

    @Override
    public int packageWindow() {
        return Math.max(0, cwnd - inflight);
    }

    @Override
    public boolean nextNeedsDigest() {
        // Acknowledgements come in whole increments, so inflight + 1 counts this cell among all sent modulo inc.
        return (inflight + 1) % sendmeInc == 0;
    }

    @Override
    public void packaged(byte[] digest) {
        if (inflight >= cwnd) {
            throw new IllegalStateException("congestion window is full");
        }
        inflight++;
        if (digest != null) {
            expected.addLast(digest);
            sentAt.addLast(new long[] {nanoClock.getAsLong()});
        }
    }

    @Override
    public void sendmeReceived(Sendme sendme) throws StreamProtocolException {
        byte[] want = expected.pollFirst();
        long[] sent = sentAt.pollFirst();
        if (want == null) {
            throw new StreamProtocolException("circuit SENDME with no cell to acknowledge (proposal 324 §2.2)", -1);
        }
        byte[] got = sendme.digest().orElse(null);
        if (got == null) {
            throw new StreamProtocolException("unauthenticated (v0) circuit SENDME: v1 is required (§7.4)", -1);
        }
        if (!MessageDigest.isEqual(want, got)) {
            throw new StreamProtocolException("circuit SENDME v1 digest does not match the acknowledged cell (§7.4)", -1);
        }
        sendmes++;
        acknowledged(nanoClock.getAsLong() - sent[0]);
    }

    /** The Vegas update of proposal 324 §3.3 for one SENDME whose round trip took {@code rtt} nanoseconds. */
    private void acknowledged(long rtt) {
        if (nextCcEvent > 0) {
            nextCcEvent--;
        }
        if (nextCwndEvent > 0) {
            nextCwndEvent--;
        }
        if (!sampleRtt(rtt)) {
            inflight -= sendmeInc;
            return;
        }
        long bdp = (long) ((double) cwnd * rttMin / rttEwma);
        long queueUse = bdp > cwnd ? 0 : cwnd - bdp;
        if (inflight + CWND_FULL_GAP * sendmeInc >= cwnd) {
            cwndFull = true;
        } else if (100L * inflight < (long) CWND_FULL_MINPCT * cwnd) {
            cwndFull = false;
        }
        if (inSlowStart) {
            if (queueUse < GAMMA) {
                if (cwndFull) {
                    int inc = slowStartIncrement();
                    cwnd += inc;
                    if (inc * sendmesPerCwnd() <= cwndInc * CWND_INC_RATE) {
                        inSlowStart = false;
                    }
                }
            } else {
                inSlowStart = false;
                cwnd = (int) Math.min(CWND_MAX, bdp + GAMMA);
            }
            if (cwnd >= CWND_MAX) {
                cwnd = CWND_MAX;
                inSlowStart = false;
            }
        } else if (nextCcEvent == 0) {
            if (queueUse > DELTA) {
                cwnd = (int) Math.min(CWND_MAX, bdp + DELTA - cwndInc);
            } else if (queueUse > BETA) {
                cwnd -= cwndInc;
            } else if (cwndFull && queueUse < ALPHA) {
                cwnd = Math.min(CWND_MAX, cwnd + cwndInc);
            }
            cwnd = Math.max(cwnd, cwndMin);
        }
        if (nextCcEvent == 0) {
            nextCcEvent = cwndUpdateRate();
        }
        if (nextCwndEvent == 0) {
            nextCwndEvent = sendmesPerCwnd();
        }
        if (nextCwndEvent == sendmesPerCwnd()) {
            cwndFull = false; // cc_cwnd_full_per_cwnd = 1: fullness is judged afresh every window
        }
        inflight -= sendmeInc;
    }

    /** §2.1.1 and §2.1.2: false if the sample is a clock stall or jump and must not be used. */
    private boolean sampleRtt(long rtt) {
        if (rtt <= 0) {
            clockStalled = true;
            return false;
        }
        if (rttEwma != 0 && !inSlowStart) {
            if (rtt / CLOCK_JUMP_FACTOR > rttEwma) {
                return false;
            }
            if (rtt < rttEwma / CLOCK_JUMP_FACTOR && clockStalled) {
                return false;
            }
        }
        clockStalled = false;
        long n = inSlowStart ? EWMA_SS : Math.max(Math.min((long) cwndUpdateRate() * EWMA_CWND_PCT / 100, EWMA_MAX), 2);
        // N_EWMA in the rearranged form the proposal requires, for the same rounding as other implementations.
        rttEwma = rttEwma == 0 ? rtt : (rtt * 2 + rttEwma * (n - 1)) / (n + 1);
        rttMin = Math.min(rttMin, rttEwma);
        return true;
    }

    /** RFC 3742 limited slow start (§3.3 rfc3742_ss_inc). */
    private int slowStartIncrement() {
        if (cwnd <= SS_CAP) {
            return Math.round(CWND_INC_PCT_SS * sendmeInc / 100f);
        }
        return Math.max(Math.round((float) sendmeInc * SS_CAP / (2f * cwnd)), 1);
    }

    private int sendmesPerCwnd() {
        return (cwnd + sendmeInc / 2) / sendmeInc;
    }

    private int cwndUpdateRate() {
        if (inSlowStart) {
            return 1;
        }
        return (cwnd + CWND_INC_RATE * sendmeInc / 2) / (CWND_INC_RATE * sendmeInc);
    }

    @Override
    public boolean dataReceived() throws StreamProtocolException {
        if (received.unconsumed() >= UNCONSUMED_LIMIT) {
            throw new StreamProtocolException("more than " + UNCONSUMED_LIMIT + " DATA cells buffered unread: the "
                    + "other end ignores XOFF (proposal 324 §4.1.3)", -1);
        }
        return received.received();
    }

    @Override
    public void sendmeOwed(byte[] digest) {
        received.owe(digest);
    }

    @Override
    public void consumed(int cells) {
        received.consumed(cells);
    }

    @Override
    public int unconsumed() {
        return received.unconsumed();
    }

    /** §4.1: circuit SENDMEs leave as soon as they are due, whatever the streams have read. */
    @Override
    public byte[] nextSendme() {
        return received.nextOwed();
    }

    @Override
    public String toString() {
        return "CongestionWindow[cwnd " + cwnd + ", inflight " + inflight + (inSlowStart ? ", slow start" : "")
                + ", rtt " + rttEwma / 1000 + " us (min " + (rttMin == Long.MAX_VALUE ? "-" : rttMin / 1000 + " us") + ")]";
    }
}
