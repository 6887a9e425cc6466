package org.veilswarm.transport.tor.impl;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.veilswarm.api.transport.RelayCounters;

/**
 * Relay counters from tor's own byte counts (docs/transports/tor.md, "Relay counters"):
 * <ul>
 * <li>BW events (control-spec §4.1.4) give everything tor read and wrote each second: own circuits,
 *     circuits relayed for others, directory traffic, TLS and cell overhead;</li>
 * <li>CIRC_BW events (§4.1.26) give the bytes of circuits this tor originated: the node's own traffic.</li>
 * </ul>
 * Relayed bytes are estimated as {@code written(BW) − written(CIRC_BW) − local}: a relayed cell is read once
 * and written once, so the written side counts each forwarded cell once, as the native transport does;
 * {@code local} is what tor wrote to this node's own loopback streams, which BW includes only when tor
 * counts private addresses ({@code CountPrivateBandwidth 1}, implied by TestingTorNetwork). It is an upper
 * bound (directory answers and TLS overhead are included), and zero unless the tor is a relay: a client
 * forwards nothing for anyone, whatever its overhead. Cells are that estimate over 514 bytes.
 */
final class TorRelayCounters implements RelayCounters {
    static final int KEPT_EPOCHS = 48;
    /** A relay cell on the wire with 4-byte circuit ids (tor-spec §3). */
    static final int CELL_BYTES = 514;

    private final Clock clock;
    private final boolean relay;
    private final Deque<RelayCount> completed = new ArrayDeque<>();
    private Instant epochStart;
    private long totalRead;
    private long totalWritten;
    private long ownRead;
    private long ownWritten;
    private long localWritten;
    private volatile boolean countsPrivate;

    TorRelayCounters(Clock clock, boolean relay) {
        this.clock = clock;
        this.relay = relay;
        this.epochStart = clock.instant();
    }

    synchronized void onBandwidth(long read, long written) {
        totalRead += read;
        totalWritten += written;
    }

    /** Whether tor's BW totals include loopback connections (GETCONF CountPrivateBandwidth). */
    void countsPrivateBandwidth(boolean counts) {
        countsPrivate = counts;
    }

    /** Bytes tor delivered to this node's loopback streams. */
    synchronized void onLocalDelivered(long bytes) {
        localWritten += bytes;
    }

    synchronized void onOwnCircuit(long read, long written) {
        ownRead += read;
        ownWritten += written;
    }

    @Override
    public synchronized RelayCount current() {
        return count(clock.instant());
    }

    @Override
    public synchronized List<RelayCount> completedEpochs() {
        return List.copyOf(completed);
    }

    /** Ends the epoch in progress and starts the next. */
    synchronized void roll() {
        Instant now = clock.instant();
        completed.addLast(count(now));
        while (completed.size() > KEPT_EPOCHS) {
            completed.removeFirst();
        }
        epochStart = now;
        totalRead = totalWritten = ownRead = ownWritten = localWritten = 0;
    }

    /** This epoch's raw sums: BW read, BW written, CIRC_BW read, CIRC_BW written, local delivered (tests, the docs' exactness figures). */
    synchronized long[] rawSums() {
        return new long[] {totalRead, totalWritten, ownRead, ownWritten, localWritten};
    }

    private RelayCount count(Instant now) {
        long relayed = relay ? Math.max(0, totalWritten - ownWritten - (countsPrivate ? localWritten : 0)) : 0;
        return new RelayCount(epochStart, now, relayed / CELL_BYTES, relayed, ownRead + ownWritten);
    }
}
