package org.veilswarm.transport.tor.monitor;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of the tor behind the tor transport. Every call returns a snapshot and never blocks on
 * tor: the values are kept up to date from control-port events (control-spec §4.1).
 */
@ProviderType
public interface TorMonitor {
    /** Where the transport is in its life, with the reason when it failed. */
    TorState state();

    /** The last bootstrap progress tor reported (control-spec §5.1, "Bootstrap phase"). */
    BootstrapProgress bootstrap();

    /** One sample per second from BW events, oldest first; a bounded window (the newest few minutes). */
    List<BandwidthSample> bandwidth();

    /** Circuits this tor built and has not closed yet, from CIRC events, by circuit id. */
    List<CircuitInfo> circuits();

    /** tor's log lines (NOTICE and above), consecutive repeats folded into one entry, oldest first; bounded. */
    List<LogEntry> log();
}
