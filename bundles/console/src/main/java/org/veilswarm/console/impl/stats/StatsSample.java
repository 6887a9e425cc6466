package org.veilswarm.console.impl.stats;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One point of the statistics time series: running totals since the console started sampling, per transport
 * scheme. Totals, not rates, so a client can compute rates over any window and a missed sample loses nothing.
 *
 * @param time when the sample was taken
 * @param transports scheme → totals of that transport
 * @param transfers uploads and downloads of the swarm, empty while no swarm engine runs (no share feature)
 */
public record StatsSample(Instant time, Map<String, Totals> transports, Optional<Transfers> transfers) {

    public StatsSample {
        transports = Map.copyOf(transports);
        java.util.Objects.requireNonNull(transfers, "transfers");
    }

    public StatsSample(Instant time, Map<String, Totals> transports) {
        this(time, transports, Optional.empty());
    }

    /**
     * The swarm's traffic: running totals of the torrents' sessions in this node's life (torrents removed since
     * included, up to the last sample that saw them), and the engine's recent rates.
     *
     * @param uploaded payload bytes sent to peers
     * @param downloaded payload bytes received from peers
     * @param uploadRate bytes/s sent, as the engine measures it now
     * @param downloadRate bytes/s received, as the engine measures it now
     * @param torrents torrents running
     * @param peers peers connected
     */
    public record Transfers(long uploaded, long downloaded, long uploadRate, long downloadRate, int torrents,
            int peers) {
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
