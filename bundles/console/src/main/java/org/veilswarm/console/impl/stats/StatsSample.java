package org.veilswarm.console.impl.stats;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.ServiceCounts;

/**
 * One point of the statistics time series: running totals since the console started sampling, per transport
 * scheme. Totals, not rates, so a client can compute rates over any window and a missed sample loses nothing.
 *
 * @param time when the sample was taken
 * @param transports scheme → totals of that transport
 * @param transfers uploads and downloads of the swarm, empty while no swarm engine runs (no share feature)
 * @param circuits scheme → circuit counts of each transport that reports them (onion, tor); empty map: none does
 * @param services scheme → onion services figures of each transport that reports them (the native onion
 *                 transport); empty map: none does
 */
public record StatsSample(Instant time, Map<String, Totals> transports, Optional<Transfers> transfers,
        Map<String, CircuitCounts> circuits, Map<String, ServiceCounts> services) {

    public StatsSample {
        transports = Map.copyOf(transports);
        java.util.Objects.requireNonNull(transfers, "transfers");
        circuits = Map.copyOf(circuits);
        services = Map.copyOf(services);
    }

    public StatsSample(Instant time, Map<String, Totals> transports, Optional<Transfers> transfers,
            Map<String, CircuitCounts> circuits) {
        this(time, transports, transfers, circuits, Map.of());
    }

    /**
     * Introductions accepted and refused by every reporting transport's onion services, added up (running totals
     * since each transport started); empty when no transport reports onion services.
     */
    public Optional<Introductions> introductionTotals() {
        if (services.isEmpty()) {
            return Optional.empty();
        }
        long accepted = 0;
        long refused = 0;
        for (ServiceCounts c : services.values()) {
            accepted += c.introductionsAccepted();
            refused += c.introductionsRefusedTotal();
        }
        return Optional.of(new Introductions(accepted, refused));
    }

    /** Introductions of onion services, running totals: accepted, and refused or dropped for any reason. */
    public record Introductions(long accepted, long refused) {
    }

    public StatsSample(Instant time, Map<String, Totals> transports, Optional<Transfers> transfers) {
        this(time, transports, transfers, Map.of());
    }

    public StatsSample(Instant time, Map<String, Totals> transports) {
        this(time, transports, Optional.empty());
    }

    /** The circuit counts of every reporting transport added up; empty when no transport reports circuits. */
    public Optional<CircuitCounts> circuitTotals() {
        if (circuits.isEmpty()) {
            return Optional.empty();
        }
        int ownOpen = 0;
        int relayedOpen = 0;
        long built = 0;
        long failed = 0;
        for (CircuitCounts c : circuits.values()) {
            ownOpen += c.ownOpen();
            relayedOpen += c.relayedOpen();
            built += c.ownBuilt();
            failed += c.ownFailed();
        }
        return Optional.of(new CircuitCounts(ownOpen, relayedOpen, built, failed));
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
