package org.veilswarm.transport.onion.stream;

import java.util.ArrayDeque;

/**
 * The receiving side's bookkeeping shared by both circuit flow controls: received DATA cells not yet consumed by
 * a stream, and the SENDMEs owed, one per {@code increment} cells, each carrying the running digest of the cell
 * that made it due (tor-spec §7.4, proposal 289). When an owed SENDME goes out is the flow control's decision.
 */
final class ReceivedCells {
    private final int increment;
    private final ArrayDeque<byte[]> owed = new ArrayDeque<>();
    private int unconsumed;
    private int sinceLastOwed;

    ReceivedCells(int increment) {
        this.increment = increment;
    }

    /** One DATA cell arrived; true if it makes a SENDME due (the caller then records its digest). */
    boolean received() {
        unconsumed++;
        if (++sinceLastOwed == increment) {
            sinceLastOwed = 0;
            return true;
        }
        return false;
    }

    void owe(byte[] digest) {
        owed.addLast(digest);
    }

    boolean anyOwed() {
        return !owed.isEmpty();
    }

    /** The oldest owed SENDME's digest, now leaving; null if none is owed. */
    byte[] nextOwed() {
        return owed.pollFirst();
    }

    void consumed(int cells) {
        unconsumed = Math.max(0, unconsumed - cells);
    }

    int unconsumed() {
        return unconsumed;
    }
}
