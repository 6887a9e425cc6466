package org.veilswarm.transport.onion.circuit;

import org.veilswarm.transport.onion.cell.Created2;
import org.veilswarm.transport.onion.cell.RelayCell;

/** What a {@link CircuitTable} hands a circuit's cells to; called on the link's event loop. */
interface CircuitEnd {
    void created2(Created2 cell);

    /** Takes ownership of {@code cell}. */
    void relay(RelayCell cell);

    /** The peer sent DESTROY; the entry is already out of the table. */
    void destroyed(int reasonCode);

    /** The link closed; the entry is already out of the table. */
    void linkClosed();
}
