package org.veilswarm.console.testtor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.veilswarm.transport.tor.monitor.BandwidthSample;
import org.veilswarm.transport.tor.monitor.BootstrapProgress;
import org.veilswarm.transport.tor.monitor.CircuitInfo;
import org.veilswarm.transport.tor.monitor.LogEntry;
import org.veilswarm.transport.tor.monitor.TorMonitor;
import org.veilswarm.transport.tor.monitor.TorState;

/**
 * An in-memory {@link TorMonitor} with fixed contents: a bootstrapped tor, {@code samples} bandwidth samples one
 * second apart (sample i read i*1000 and wrote i*10 bytes), two circuits and a log line repeated three times.
 */
public final class FixedTorMonitor implements TorMonitor {

    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private final int samples;

    public FixedTorMonitor(int samples) {
        this.samples = samples;
    }

    @Override
    public TorState state() {
        return new TorState(TorState.Phase.READY, T0, "bootstrapped");
    }

    @Override
    public BootstrapProgress bootstrap() {
        return new BootstrapProgress(100, "done", "Done", "");
    }

    @Override
    public List<BandwidthSample> bandwidth() {
        List<BandwidthSample> all = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            all.add(new BandwidthSample(T0.plusSeconds(i), i * 1000L, i * 10L));
        }
        return all;
    }

    @Override
    public List<CircuitInfo> circuits() {
        return List.of(
                new CircuitInfo("7", "BUILT", List.of("$AAAA~relay1", "$BBBB~relay2", "$CCCC~relay3"), "GENERAL",
                        T0),
                new CircuitInfo("9", "EXTENDED", List.of("$DDDD~relay4"), "HS_SERVICE_INTRO", T0.plusSeconds(1)));
    }

    @Override
    public List<LogEntry> log() {
        return List.of(new LogEntry("NOTICE", "Bootstrapped 100% (done): Done", 1, T0, T0),
                new LogEntry("WARN", "Problem bootstrapping.", 3, T0, T0.plusSeconds(2)));
    }
}
