package org.veilswarm.console.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.console.impl.auth.Principal;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.stats.StatsSample;
import org.veilswarm.console.impl.stats.StatsSampler;

/**
 * {@code GET /api/stats}: the relay and transfer statistics time series (docs/console.md). An exact whiteboard pattern, so
 * it wins over the general {@code /api/*} servlet (Servlet Whiteboard 140.4, longest match).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/stats")
@HttpWhiteboardServletName("veilswarm-console-stats")
public final class StatsServlet extends GuardedApiServlet {

    private static final long serialVersionUID = 1L;

    private final transient StatsSampler sampler;

    @Activate
    public StatsServlet(@Reference ConsoleAccess access, @Reference StatsSampler sampler) {
        super(access);
        this.sampler = sampler;
    }

    @Override
    void answer(Principal principal, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ApiException {
        ApiPaths.only(request.getMethod(), "GET", "/api/stats");
        HttpResponses.json(response, 200, json(sampler.samples(), sampler.serviceCounts()));
    }

    /** One transport's onion services figures (docs/console.md, {@code onionServices}). */
    static Map<String, Object> services(ServiceCounts counts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("published", counts.published());
        json.put("connections", counts.connections());
        json.put("descriptorUploads", counts.descriptorUploads());
        json.put("introductionsAccepted", counts.introductionsAccepted());
        json.put("introductionsRefused", counts.introductionsRefusedTotal());
        json.put("introductionsRefusedBy", new LinkedHashMap<String, Object>(counts.introductionsRefused()));
        json.put("rendezvousFailed", counts.rendezvousFailed());
        json.put("introPointsReplaced", counts.introPointsReplaced());
        json.put("connectsSucceeded", counts.connectsSucceeded());
        json.put("connectsFailed", counts.connectsFailedTotal());
        json.put("connectsFailedBy", new LinkedHashMap<String, Object>(counts.connectsFailed()));
        return json;
    }

    private static Map<String, Object> circuits(CircuitCounts counts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ownOpen", counts.ownOpen());
        json.put("relayedOpen", counts.relayedOpen());
        json.put("ownBuilt", counts.ownBuilt());
        json.put("ownFailed", counts.ownFailed());
        return json;
    }

    private Map<String, Object> json(List<StatsSample> samples, Map<String, ServiceCounts> serviceCounts) {
        List<Map<String, Object>> points = new ArrayList<>(samples.size());
        for (StatsSample sample : samples) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("time", sample.time().toEpochMilli());
            point.put("bytesRelayed", sample.bytesRelayed());
            point.put("cellsRelayed", sample.cellsRelayed());
            point.put("bytesOwn", sample.bytesOwn());
            Map<String, Object> transports = new LinkedHashMap<>();
            sample.transports().forEach((scheme, totals) -> transports.put(scheme, Map.of(
                    "bytesRelayed", totals.bytesRelayed(), "cellsRelayed", totals.cellsRelayed(),
                    "bytesOwn", totals.bytesOwn())));
            point.put("transports", transports);
            StatsSample.Transfers transfers = sample.transfers().orElse(null);
            point.put("uploadedBytes", transfers == null ? null : transfers.uploaded());
            point.put("downloadedBytes", transfers == null ? null : transfers.downloaded());
            point.put("uploadRate", transfers == null ? null : transfers.uploadRate());
            point.put("downloadRate", transfers == null ? null : transfers.downloadRate());
            point.put("torrents", transfers == null ? null : transfers.torrents());
            point.put("swarmPeers", transfers == null ? null : transfers.peers());
            // Null (shown as n/a, never 0) while no transport reports circuits: direct has none.
            point.put("circuits", sample.circuitTotals().map(StatsServlet::circuits).orElse(null));
            Map<String, Object> byScheme = new LinkedHashMap<>();
            sample.circuits().forEach((scheme, counts) -> byScheme.put(scheme, circuits(counts)));
            point.put("circuitsByTransport", byScheme);
            // Running totals over every transport's onion services; null (n/a) while no transport reports them.
            StatsSample.Introductions introductions = sample.introductionTotals().orElse(null);
            point.put("introductionsAccepted", introductions == null ? null : introductions.accepted());
            point.put("introductionsRefused", introductions == null ? null : introductions.refused());
            points.add(point);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sampleSeconds", sampler.sampleSeconds());
        json.put("capacity", sampler.capacity());
        json.put("samples", points);
        Map<String, Object> onionServices = new LinkedHashMap<>();
        serviceCounts.forEach((scheme, counts) -> onionServices.put(scheme, services(counts)));
        json.put("onionServices", onionServices);
        Map<String, String> unavailable = new LinkedHashMap<>();
        if (samples.isEmpty() || samples.get(samples.size() - 1).transfers().isEmpty()) {
            unavailable.put("transfers", "no swarm engine runs (the share feature is not installed or not started)");
        }
        if (samples.isEmpty() || samples.get(samples.size() - 1).circuits().isEmpty()) {
            unavailable.put("circuits", "no transport with circuits runs (onion or tor); the direct transport has"
                    + " none");
        }
        if (serviceCounts.isEmpty()) {
            unavailable.put("onionServices", "no transport reports onion services of its own (the native onion"
                    + " transport does; tor keeps its figures to itself, direct has none)");
        }
        json.put("unavailable", unavailable);
        return json;
    }
}
