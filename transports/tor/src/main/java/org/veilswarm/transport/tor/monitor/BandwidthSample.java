package org.veilswarm.transport.tor.monitor;

import java.time.Instant;

/**
 * One BW event (control-spec §4.1.4): the bytes tor read and wrote in the second before {@code time}, all
 * traffic together (own, relayed, directory).
 */
public record BandwidthSample(Instant time, long bytesRead, long bytesWritten) {
}
