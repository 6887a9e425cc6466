package org.veilswarm.transport.tor.control;

/**
 * {@code 650 BW <read> <written>} (control-spec §4.1.4): bytes tor read and wrote in the last second,
 * all traffic (own circuits, relayed, directory). tor sends one per second while subscribed.
 */
public record BandwidthEvent(long bytesRead, long bytesWritten, ControlReply reply) implements TorEvent {
    @Override
    public String type() {
        return "BW";
    }
}
