package org.veilswarm.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.ServiceCounts;

/** The {@code onionServices} figures of {@code GET /api/stats} as docs/console.md lists them. */
class StatsServletServicesTest {

    @Test
    void aTransportsFiguresWithTotalsAndReasons() {
        Map<String, Object> json = StatsServlet.services(new ServiceCounts(2, 1, 6, 9,
                Map.of("replay", 2L, "not-authentic", 1L), 1, 3, 4, Map.of("descriptor-not-found", 1L)));
        assertEquals(List.of("published", "connections", "descriptorUploads", "introductionsAccepted",
                "introductionsRefused", "introductionsRefusedBy", "rendezvousFailed", "introPointsReplaced",
                "connectsSucceeded", "connectsFailed", "connectsFailedBy"), List.copyOf(json.keySet()));
        assertEquals(2, json.get("published"));
        assertEquals(9L, json.get("introductionsAccepted"));
        assertEquals(3L, json.get("introductionsRefused"), "the reasons added up");
        assertEquals(Map.of("not-authentic", 1L, "replay", 2L), json.get("introductionsRefusedBy"));
        assertEquals(List.of("not-authentic", "replay"),
                List.copyOf(((Map<?, ?>) json.get("introductionsRefusedBy")).keySet()), "sorted by reason");
        assertEquals(1L, json.get("connectsFailed"));
        assertEquals(Map.of("descriptor-not-found", 1L), json.get("connectsFailedBy"));
    }
}
