package org.veilswarm.console.impl.stats;

import java.time.Instant;
import java.util.Map;

/**
 * One point of the statistics time series: running totals since the console started sampling, per transport
 * scheme. Totals, not rates, so a client can compute rates over any window and a missed sample loses nothing.
 *
 * @param time when the sample was taken
 * @param transports scheme → totals of that transport
 */
public record StatsSample(Instant time, Map<String, Totals> transports) {

    public StatsSample {
        transports = Map.copyOf(transports);
    }

    /**
     * @param bytesRelayed bytes forwarded for others (what earns share ratio)
     * @param cellsRelayed cells forwarded for others
     * @param bytesOwn bytes of this node's own circuits
     */
    public record Totals(long bytesRelayed, long cellsRelayed, long bytesOwn) {
    }

    public long bytesRelayed() {
        return transports.values().stream().mapToLong(Totals::bytesRelayed).sum();
    }

    public long bytesOwn() {
        return transports.values().stream().mapToLong(Totals::bytesOwn).sum();
    }

    public long cellsRelayed() {
        return transports.values().stream().mapToLong(Totals::cellsRelayed).sum();
    }
}
