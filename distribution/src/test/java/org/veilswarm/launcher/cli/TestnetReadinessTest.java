package org.veilswarm.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The readiness rule on each node's own directory view (GET /api/directory), without starting nodes. */
class TestnetReadinessTest {

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }

    /** A directory view as docs/console.md shows it, for one scheme. */
    private static JsonValue directory(String scheme, boolean ready, int relays) {
        return json("{\"active\":\"" + scheme + "\",\"schemes\":[{\"scheme\":\"" + scheme + "\",\"active\":true,"
                + "\"ready\":" + ready + ",\"relays\":" + relays + ",\"validUntil\":null,\"detail\":\"x\"}],"
                + "\"relayList\":null}");
    }

    @Test
    void theRelaysCountOnlyForTheTestnetsSchemeWhenItIsReady() {
        assertEquals(6, TestnetReadiness.relaysListed(directory("consensus", true, 6), "consensus"));
        assertEquals(0, TestnetReadiness.relaysListed(directory("consensus", false, 6), "consensus"),
                "a scheme that is not ready lists nothing usable");
        assertEquals(0, TestnetReadiness.relaysListed(directory("merkle", true, 6), "consensus"), "another scheme");
        assertEquals(4, TestnetReadiness.relaysListed(json("{\"schemes\":[{\"scheme\":\"merkle\",\"ready\":true,"
                + "\"relays\":9},{\"scheme\":\"consensus\",\"ready\":true,\"relays\":4}]}"), "consensus"));
    }

    @Test
    void anAnswerNotShapedAsDocumentedCountsAsNoRelays() {
        for (String odd : new String[] {"[]", "{}", "{\"schemes\":{}}", "{\"schemes\":[1,\"x\",null]}",
                "{\"schemes\":[{\"scheme\":\"consensus\",\"ready\":\"true\",\"relays\":6}]}",
                "{\"schemes\":[{\"scheme\":\"consensus\",\"ready\":true,\"relays\":\"6\"}]}"}) {
            assertEquals(0, TestnetReadiness.relaysListed(json(odd), "consensus"), odd);
        }
    }

    @Test
    void theTestnetIsNotReadyWhileOneNodesDirectoryMissesARelay() {
        TestnetPlan.Node n1 = new TestnetPlan.Node(1, Path.of("n1"), true, 1, 2, 3, 4, 5);
        TestnetPlan.Node n2 = new TestnetPlan.Node(2, Path.of("n2"), false, 11, 12, 13, 14, 0);
        Map<TestnetPlan.Node, TestnetReadiness.NodeView> nodes = new LinkedHashMap<>();
        nodes.put(n1, view(2));
        nodes.put(n2, view(1)); // still holds a consensus from before node 1 was listed
        TestnetReadiness.View early = new TestnetReadiness.View(nodes, Map.of(n1, "2 relays"), 2, 1, List.of(), true);
        assertEquals(1, early.directoriesComplete());
        assertFalse(early.ready(), "the authorities' consensus is complete, node 2's own view is not");

        nodes.put(n2, view(2));
        TestnetReadiness.View later = new TestnetReadiness.View(nodes, Map.of(n1, "2 relays"), 2, 1, List.of(), true);
        assertEquals(2, later.directoriesComplete());
        assertTrue(later.ready());
    }

    private static TestnetReadiness.NodeView view(int relays) {
        return new TestnetReadiness.NodeView(Optional.of("x.onion"), Optional.of("http://127.0.0.1:1/"), List.of(),
                Optional.empty(), relays);
    }
}
