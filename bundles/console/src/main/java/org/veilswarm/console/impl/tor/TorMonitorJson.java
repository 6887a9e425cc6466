package org.veilswarm.console.impl.tor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.veilswarm.transport.tor.monitor.BandwidthSample;
import org.veilswarm.transport.tor.monitor.BootstrapProgress;
import org.veilswarm.transport.tor.monitor.CircuitInfo;
import org.veilswarm.transport.tor.monitor.LogEntry;
import org.veilswarm.transport.tor.monitor.TorMonitor;
import org.veilswarm.transport.tor.monitor.TorState;

/**
 * The JSON of {@code GET /api/tor} when the tor transport runs (docs/console.md). Every list is cut to its newest
 * entries so one answer stays small whatever the transport keeps; {@code total} says how many there were.
 */
public final class TorMonitorJson {

    /** Bandwidth samples at most: five minutes at tor's one BW event per second. */
    public static final int MAX_SAMPLES = 300;
    /** Circuits at most. */
    public static final int MAX_CIRCUITS = 200;
    /** De-duplicated log entries at most. */
    public static final int MAX_LOG = 200;

    /** The monitor's service interface, by name: TorServlet must not load it. */
    public static final String SERVICE = "org.veilswarm.transport.tor.monitor.TorMonitor";

    private TorMonitorJson() {
    }

    /** @param service the {@code TorMonitor} service object; a ClassCastException if its class is another copy */
    public static Map<String, Object> json(Object service) {
        TorMonitor monitor = (TorMonitor) service;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("installed", true);
        TorState state = monitor.state();
        Map<String, Object> stateJson = new LinkedHashMap<>();
        stateJson.put("phase", state.phase().name());
        stateJson.put("since", state.since().toString());
        stateJson.put("detail", state.detail());
        json.put("state", stateJson);
        BootstrapProgress bootstrap = monitor.bootstrap();
        Map<String, Object> bootstrapJson = new LinkedHashMap<>();
        bootstrapJson.put("progress", bootstrap.progress());
        bootstrapJson.put("tag", bootstrap.tag());
        bootstrapJson.put("summary", bootstrap.summary());
        bootstrapJson.put("warning", bootstrap.warning());
        json.put("bootstrap", bootstrapJson);
        List<BandwidthSample> samples = newest(monitor.bandwidth(), MAX_SAMPLES);
        json.put("bandwidth", samples.stream().map(TorMonitorJson::sample).toList());
        List<CircuitInfo> circuits = monitor.circuits();
        json.put("circuits", page(circuits.size(),
                newest(circuits, MAX_CIRCUITS).stream().map(TorMonitorJson::circuit).toList()));
        List<LogEntry> log = monitor.log();
        json.put("log", page(log.size(), newest(log, MAX_LOG).stream().map(TorMonitorJson::logEntry).toList()));
        return json;
    }

    private static <T> List<T> newest(List<T> all, int max) {
        return all.size() <= max ? all : all.subList(all.size() - max, all.size());
    }

    private static Map<String, Object> page(int total, List<Map<String, Object>> items) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", total);
        json.put("items", items);
        return json;
    }

    /** Time in epoch milliseconds, as the statistics samples, so the console's chart code plots both. */
    private static Map<String, Object> sample(BandwidthSample sample) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", sample.time().toEpochMilli());
        json.put("read", sample.bytesRead());
        json.put("written", sample.bytesWritten());
        return json;
    }

    private static Map<String, Object> circuit(CircuitInfo circuit) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", circuit.id());
        json.put("status", circuit.status());
        json.put("pathLength", circuit.path().size());
        json.put("path", circuit.path());
        json.put("purpose", circuit.purpose());
        json.put("updated", circuit.updated().toString());
        return json;
    }

    private static Map<String, Object> logEntry(LogEntry entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("severity", entry.severity());
        json.put("message", entry.message());
        json.put("count", entry.count());
        json.put("first", entry.first().toString());
        json.put("last", entry.last().toString());
        json.put("display", entry.display());
        return json;
    }
}
