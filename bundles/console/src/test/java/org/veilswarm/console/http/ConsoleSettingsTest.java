package org.veilswarm.console.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.console.http.HttpSession.Reply;

/**
 * {@code GET/PUT /api/settings} on a real Felix with Configuration Admin: values reach the owning PIDs (the node
 * picks up its nickname), refusals are 400 naming the field and change nothing, and the settings are still there
 * after the framework is stopped and started again on the same data and configuration directories.
 */
class ConsoleSettingsTest {

    private static final long WAIT_NANOS = 60_000_000_000L;

    @Test
    void settingsAreValidatedAppliedAndSurviveARestart(@TempDir Path work) throws Exception {
        int port = ConsoleHttpTest.freePort();
        Path downloads = work.resolve("my downloads");
        try (FelixHarness felix = FelixHarness.start(work, port, Map.of())) {
            HttpSession http = new HttpSession(port);
            String[] bearer = bearer(felix);
            JsonNode initial = await(http, bearer, "/api/settings", j -> true);
            assertEquals("veilswarm", initial.get("values").get("nickname").textValue());
            assertEquals(felix.dataDirectory.resolve("downloads").toString(),
                    initial.get("values").get("downloadDirectory").textValue());
            assertEquals(6969, initial.get("values").get("trackerPort").intValue());
            JsonNode trackerPort = setting(initial, "trackerPort");
            assertFalse(trackerPort.get("configured").booleanValue());
            assertEquals("org.veilswarm.tracker", trackerPort.get("pid").textValue());
            assertEquals(65535, trackerPort.get("max").intValue());
            assertEquals(2, initial.get("values").get("servicesPerShare").intValue(), "K's default");
            assertEquals(0, initial.get("unavailable").size(), initial.toString());

            Reply bad = put(http, bearer, "{\"nickname\":\"attic\",\"trackerPort\":99999}");
            assertEquals(400, bad.status(), bad.toString());
            assertEquals("trackerPort", bad.json().get("field").textValue());
            assertEquals("trackerPort must be an integer from 1 to 65535, got 99999", bad.json().get("error").textValue());
            assertNull(felix.configuration("org.veilswarm.node"), "a refused request changes nothing, not even"
                    + " the valid field next to the bad one");
            assertEquals(400, put(http, bearer, "{\"nickname\":").status(), "malformed JSON");
            assertEquals(405, http.post("/api/settings", bearer).status());

            Reply saved = put(http, bearer, "{\"nickname\":\"attic\",\"trackerPort\":7070,\"swarmPort\":7071,"
                    + "\"downloadDirectory\":\"" + downloads + "\"}");
            assertEquals(200, saved.status(), saved.toString());
            assertEquals(4, saved.json().get("changed").size(), saved.toString());
            assertEquals(7070, felix.configuration("org.veilswarm.tracker").get("port"));
            assertEquals(7071, felix.configuration("org.veilswarm.swarm").get("port"));
            assertEquals(downloads.toString(),
                    felix.configuration("org.veilswarm.console.settings").get("downloadDirectory"));
            // The node bundle reads its PID: its status shows the new nickname once DS has delivered the change.
            await(http, bearer, "/api/node", j -> "attic".equals(j.get("nickname").textValue()));

            Reply reset = put(http, bearer, "{\"swarmPort\":null}");
            assertEquals(200, reset.status(), reset.toString());
            assertEquals(8429, reset.json().get("values").get("swarmPort").intValue());
            Dictionary<String, Object> swarm = felix.configuration("org.veilswarm.swarm");
            assertNull(swarm == null ? null : swarm.get("port"), "null removes the property: the default applies");

            Reply choice = put(http, bearer, "{\"linkTransport\":\"direct\"}");
            assertEquals(200, choice.status(), choice.toString());
            assertEquals("direct", felix.configuration("org.veilswarm.share").get("linkTransport"));
            assertEquals("[\"prefer-onion\",\"onion-only\",\"direct\"]",
                    setting(choice.json(), "linkTransport").get("options").toString());
            Reply limits = put(http, bearer, "{\"uploadLimit\":65536,\"relayBandwidthRate\":1048576,"
                    + "\"servicesPerShare\":3}");
            assertEquals(200, limits.status(), limits.toString());
            assertEquals(3, felix.configuration("org.veilswarm.share").get("servicesPerShare"));
            assertEquals(65536, felix.configuration("org.veilswarm.swarm").get("uploadRate"));
            assertEquals(1048576, felix.configuration("org.veilswarm.transport.onion").get("bandwidthRate"));
            Reply badBurst = put(http, bearer, "{\"relayBandwidthBurst\":1000}");
            assertEquals(400, badBurst.status(), badBurst.toString());
            assertEquals("relayBandwidthBurst", badBurst.json().get("field").textValue());
            assertNull(felix.configuration("org.veilswarm.transport.onion").get("bandwidthBurst"));
            Reply badChoice = put(http, bearer, "{\"linkTransport\":\"carrier-pigeon\"}");
            assertEquals(400, badChoice.status(), badChoice.toString());
            assertEquals("linkTransport", badChoice.json().get("field").textValue());
        }

        try (FelixHarness felix = FelixHarness.start(work, port, Map.of())) {
            HttpSession http = new HttpSession(port);
            JsonNode after = await(http, bearer(felix), "/api/settings", j -> true);
            assertEquals("attic", after.get("values").get("nickname").textValue());
            assertEquals(7070, after.get("values").get("trackerPort").intValue());
            assertEquals(8429, after.get("values").get("swarmPort").intValue());
            assertEquals(downloads.toString(), after.get("values").get("downloadDirectory").textValue());
            assertTrue(setting(after, "trackerPort").get("configured").booleanValue());
            await(http, bearer(felix), "/api/node", j -> "attic".equals(j.get("nickname").textValue()));
        }
    }

    @Test
    void cookieSessionsNeedTheCsrfTokenToChangeSettings(@TempDir Path work) throws Exception {
        int port = ConsoleHttpTest.freePort();
        try (FelixHarness felix = FelixHarness.start(work, port, Map.of())) {
            HttpSession http = new HttpSession(port);
            String token = token(felix);
            await(http, new String[] {"Authorization", "Bearer " + token}, "/api/settings", j -> true);
            Reply signIn = http.get("/management/" + token);
            String setCookie = signIn.header("Set-Cookie");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            assertEquals(401, http.get("/api/settings").status());
            Reply without = put(http, new String[] {"Cookie", cookie}, "{\"nickname\":\"x\"}");
            assertEquals(403, without.status(), without.toString());
            String csrf = http.get("/api/session", "Cookie", cookie).json().get("csrfToken").textValue();
            Reply with = put(http, new String[] {"Cookie", cookie, "X-CSRF-Token", csrf}, "{\"nickname\":\"x\"}");
            assertEquals(200, with.status(), with.toString());
        }
    }

    private static Reply put(HttpSession http, String[] headers, String json) {
        return http.send("PUT", "/api/settings", java.net.http.HttpRequest.BodyPublishers.ofString(json),
                HttpSession.concat(headers, "Content-Type", "application/json"));
    }

    private static JsonNode setting(JsonNode settings, String name) {
        for (JsonNode s : settings.get("settings")) {
            if (s.get("name").textValue().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no setting " + name + " in " + settings);
    }

    private static String token(FelixHarness felix) throws Exception {
        Path file = felix.dataDirectory.resolve("management.token");
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return Files.readString(file).strip();
    }

    private static String[] bearer(FelixHarness felix) throws Exception {
        return new String[] {"Authorization", "Bearer " + token(felix)};
    }

    /** GETs {@code path} until it answers 200 with a body the condition accepts; fails with the last answer. */
    private static JsonNode await(HttpSession http, String[] headers, String path, Predicate<JsonNode> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        Reply last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = http.get(path, headers);
                if (last.status() == 200 && condition.test(last.json())) {
                    return last.json();
                }
            } catch (AssertionError connectionRefused) {
                // The HTTP server is still starting.
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " did not reach the expected state within 60 s; last answer: " + last);
    }
}
