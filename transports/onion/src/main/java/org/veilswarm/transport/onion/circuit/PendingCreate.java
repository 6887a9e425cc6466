package org.veilswarm.transport.onion.circuit;

import org.veilswarm.transport.onion.cell.Created2;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.RelayCell;

/**
 * Holds a circuit ID in its link's table while the CREATE2 handshake runs in the {@link CreateWorker}:
 * the ID counts against the limits and cannot be reused, and a DESTROY or a closed link in the meantime
 * takes it out of the table, so the worker's result finds nothing to replace and is dropped.
 */
final class PendingCreate implements CircuitEnd {
    private final CircuitTable table;
    private final int circuitId;

    PendingCreate(CircuitTable table, int circuitId) {
        this.table = table;
        this.circuitId = circuitId;
    }

    @Override
    public void created2(Created2 cell) {
        // CREATED2 never travels towards the relay answering the CREATE2.
        if (table.remove(circuitId, this)) {
            table.destroy(circuitId, DestroyReason.PROTOCOL);
        }
    }

    @Override
    public void relay(RelayCell cell) {
        cell.release(); // the client has no keys before CREATED2: nothing it sends now can be meant for us
    }

    @Override
    public void destroyed(int reasonCode) {
        // Already out of the table; the handshake's result will be dropped.
    }

    @Override
    public void linkClosed() {
        // Same.
    }
}
