package org.veilswarm.api.transport;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Traffic a transport forwarded for other nodes, counted per epoch, kept apart from the node's own
 * traffic. Share-ratio accounting credits these bytes.
 */
@ConsumerType
public interface RelayCounters {

    /** Counters of a transport that never relays: always zero. */
    RelayCounters NONE = new RelayCounters() {
        @Override
        public RelayCount current() {
            return new RelayCount(Instant.EPOCH, Instant.EPOCH, 0, 0, 0);
        }

        @Override
        public List<RelayCount> completedEpochs() {
            return List.of();
        }
    };

    /** The epoch in progress, counted so far. */
    RelayCount current();

    /** Completed epochs, oldest first; implementations keep a bounded number of them. */
    List<RelayCount> completedEpochs();

    /**
     * Counts for one epoch.
     *
     * @param epochStart when the epoch began
     * @param epochEnd when it ended, or the time of this snapshot for the current epoch
     * @param cellsRelayed cells (or messages) forwarded for other nodes
     * @param bytesRelayed bytes forwarded for other nodes, on the wire
     * @param bytesOwn bytes of the node's own streams, not credited as relaying
     */
    record RelayCount(Instant epochStart, Instant epochEnd, long cellsRelayed, long bytesRelayed, long bytesOwn) {
        public RelayCount {
            if (cellsRelayed < 0 || bytesRelayed < 0 || bytesOwn < 0) {
                throw new IllegalArgumentException("counters cannot be negative");
            }
        }
    }
}
