package org.veilswarm.api.transport;

/**
 * How many circuits a transport has, for the console's statistics (issue #8): a snapshot, taken when asked.
 * Transports without circuits (direct TCP) report none ({@link Transport#circuitCounts()} is empty).
 *
 * @param ownOpen circuits this node built for its own streams and onion services that are open now
 * @param relayedOpen circuits of other nodes this node is a hop of now (0 when it does not relay)
 * @param ownBuilt circuits this node finished building since the transport started
 * @param ownFailed circuit builds of this node that failed since the transport started
 */
public record CircuitCounts(int ownOpen, int relayedOpen, long ownBuilt, long ownFailed) {

    public CircuitCounts {
        if (ownOpen < 0 || relayedOpen < 0 || ownBuilt < 0 || ownFailed < 0) {
            throw new IllegalArgumentException("circuit counts cannot be negative: open " + ownOpen + ", relayed "
                    + relayedOpen + ", built " + ownBuilt + ", failed " + ownFailed);
        }
    }
}
