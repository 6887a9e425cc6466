package org.veilswarm.transport.tor.impl;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.veilswarm.transport.tor.control.BandwidthEvent;
import org.veilswarm.transport.tor.control.BootstrapStatus;
import org.veilswarm.transport.tor.control.CircuitEvent;
import org.veilswarm.transport.tor.control.LogEvent;
import org.veilswarm.transport.tor.control.StatusEvent;
import org.veilswarm.transport.tor.control.TorEvent;
import org.veilswarm.transport.tor.monitor.BandwidthSample;
import org.veilswarm.transport.tor.monitor.BootstrapProgress;
import org.veilswarm.transport.tor.monitor.CircuitInfo;
import org.veilswarm.transport.tor.monitor.LogEntry;
import org.veilswarm.transport.tor.monitor.TorMonitor;
import org.veilswarm.transport.tor.monitor.TorState;

/** {@link TorMonitor} kept current from control-port events; {@link #onEvent} runs on the control connection's loop. */
final class TorMonitorState implements TorMonitor {
    /** Ten minutes of one-per-second BW samples. */
    static final int BANDWIDTH_SAMPLES = 600;
    static final int LOG_ENTRIES = 500;
    /** The events the monitor and the counters need (control-spec §4.1). */
    static final List<String> EVENTS = List.of("BW", "CIRC", "CIRC_BW", "STATUS_CLIENT", "STATUS_GENERAL", "NOTICE", "WARN", "ERR");
    private static final Set<String> GONE = Set.of("CLOSED", "FAILED");

    private final Clock clock;
    private final BandwidthHistory bandwidth = new BandwidthHistory(BANDWIDTH_SAMPLES);
    private final LogDeduplicator log = new LogDeduplicator(LOG_ENTRIES);
    private final Map<String, CircuitInfo> circuits = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder circuitsBuilt = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder circuitsFailed = new java.util.concurrent.atomic.LongAdder();
    private volatile TorState state;
    private volatile BootstrapProgress bootstrap = BootstrapProgress.UNKNOWN;

    TorMonitorState(Clock clock) {
        this.clock = clock;
        this.state = new TorState(TorState.Phase.STARTING, clock.instant(), "");
    }

    void setState(TorState.Phase phase, String detail) {
        state = new TorState(phase, clock.instant(), detail);
    }

    void setBootstrap(BootstrapStatus status) {
        bootstrap = new BootstrapProgress(status.progress(), status.tag(), status.summary(),
                status.arguments().getOrDefault("WARNING", ""));
    }

    /** Records a local event, e.g. why the transport failed, beside tor's own lines. */
    void note(String severity, String message) {
        log.add(severity, message, clock.instant());
    }

    void onEvent(TorEvent event) {
        if (event instanceof BandwidthEvent bw) {
            bandwidth.add(new BandwidthSample(clock.instant(), bw.bytesRead(), bw.bytesWritten()));
        } else if (event instanceof CircuitEvent circ) {
            // CIRC events are about circuits this tor originated (control-spec §4.1.1): a build counts once,
            // when its status first becomes BUILT; FAILED is a build that did not finish.
            if (circ.status().equals("FAILED")) {
                circuitsFailed.increment();
            }
            if (GONE.contains(circ.status())) {
                circuits.remove(circ.circuitId());
            } else {
                CircuitInfo before = circuits.put(circ.circuitId(), new CircuitInfo(circ.circuitId(), circ.status(),
                        circ.path(), circ.arguments().getOrDefault("PURPOSE", ""), clock.instant()));
                if (circ.status().equals("BUILT") && (before == null || !before.status().equals("BUILT"))) {
                    circuitsBuilt.increment();
                }
            }
        } else if (event instanceof StatusEvent status) {
            status.bootstrap().ifPresent(this::setBootstrap);
        } else if (event instanceof LogEvent line) {
            log.add(line.severity(), line.message(), clock.instant());
        }
        // CIRC_BW feeds the relay counters; other events are not shown.
    }

    /**
     * Circuits of this tor as its CIRC events tell: open (BUILT, not yet closed), built and failed since the
     * events were subscribed. tor reports no events for circuits it relays for others, so that count is 0.
     */
    org.veilswarm.api.transport.CircuitCounts circuitCounts() {
        int open = (int) circuits.values().stream().filter(c -> c.status().equals("BUILT")).count();
        return new org.veilswarm.api.transport.CircuitCounts(open, 0, circuitsBuilt.sum(), circuitsFailed.sum());
    }

    @Override
    public TorState state() {
        return state;
    }

    @Override
    public BootstrapProgress bootstrap() {
        return bootstrap;
    }

    @Override
    public List<BandwidthSample> bandwidth() {
        return bandwidth.snapshot();
    }

    @Override
    public List<CircuitInfo> circuits() {
        List<CircuitInfo> list = new ArrayList<>(circuits.values());
        list.sort(Comparator.comparing(CircuitInfo::id, Comparator.comparingLong(TorMonitorState::numericId)));
        return list;
    }

    private static long numericId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public List<LogEntry> log() {
        return log.snapshot();
    }
}
