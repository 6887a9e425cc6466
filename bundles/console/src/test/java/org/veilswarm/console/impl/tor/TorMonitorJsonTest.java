package org.veilswarm.console.impl.tor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.veilswarm.console.testtor.FixedTorMonitor;

class TorMonitorJsonTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyFieldIsShownAndTheBandwidthSeriesKeepsOnlyTheNewestSamples() {
        Map<String, Object> json = TorMonitorJson.json(new FixedTorMonitor(1000));
        assertEquals(true, json.get("installed"));
        assertEquals(Map.of("phase", "READY", "since", "2026-11-22T10:00:00Z", "detail", "bootstrapped"),
                json.get("state"));
        assertEquals(100, ((Map<String, Object>) json.get("bootstrap")).get("progress"));
        List<Map<String, Object>> bandwidth = (List<Map<String, Object>>) json.get("bandwidth");
        assertEquals(TorMonitorJson.MAX_SAMPLES, bandwidth.size());
        // the newest 300 of samples 0..999, oldest first
        assertEquals(700 * 1000L, bandwidth.get(0).get("read"));
        assertEquals(999 * 10L, bandwidth.get(bandwidth.size() - 1).get("written"));
        assertEquals(FixedTorMonitor.T0.plusSeconds(999).toEpochMilli(), bandwidth.get(bandwidth.size() - 1).get("time"));
        Map<String, Object> circuits = (Map<String, Object>) json.get("circuits");
        assertEquals(2, circuits.get("total"));
        Map<String, Object> first = ((List<Map<String, Object>>) circuits.get("items")).get(0);
        assertEquals("7", first.get("id"));
        assertEquals(3, first.get("pathLength"));
        assertEquals("GENERAL", first.get("purpose"));
        Map<String, Object> log = (Map<String, Object>) json.get("log");
        Map<String, Object> repeated = ((List<Map<String, Object>>) log.get("items")).get(1);
        assertEquals(3, repeated.get("count"));
        assertEquals("[WARN] Problem bootstrapping. \u00d73", repeated.get("display"));
    }
}
