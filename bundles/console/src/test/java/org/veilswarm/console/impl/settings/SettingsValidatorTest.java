package org.veilswarm.console.impl.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.Json;
import org.veilswarm.console.impl.http.JsonObject;

class SettingsValidatorTest {

    @TempDir
    Path data;

    private SettingsValidator validator() {
        return new SettingsValidator(new SettingsCatalog(data), OptionalInt.of(8427));
    }

    private static JsonObject body(String json) throws ApiException {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    private Map<Setting, Object> valid(String json) throws Exception {
        return validator().validate(body(json), Map.of("trackerPort", 6969, "swarmPort", 8429));
    }

    private SettingsException refused(String json) {
        return assertThrows(SettingsException.class,
                () -> validator().validate(body(json), Map.of("trackerPort", 6969, "swarmPort", 8429)));
    }

    private static Object value(Map<Setting, Object> changes, String name) {
        return changes.entrySet().stream().filter(e -> e.getKey().name().equals(name)).findFirst().orElseThrow()
                .getValue();
    }

    @Test
    void acceptsEachKindOfValueAndMapsItOntoItsPid() throws Exception {
        Map<Setting, Object> changes = valid("{\"nickname\":\"attic\",\"trackerPort\":7000,\"swarmPort\":7001,"
                + "\"downloadDirectory\":\"" + data.resolve("in/../dl") + "\",\"announceIntervalSeconds\":3600}");
        assertEquals(5, changes.size());
        assertEquals("attic", value(changes, "nickname"));
        assertEquals(7000, value(changes, "trackerPort"));
        assertEquals(data.resolve("dl").toString(), value(changes, "downloadDirectory"), "normalised");
        Setting tracker = changes.keySet().stream().filter(s -> s.name().equals("trackerPort")).findFirst().orElseThrow();
        assertEquals("org.veilswarm.tracker", tracker.pid());
        assertEquals("port", tracker.property());
    }

    @Test
    void nullMeansBackToTheDefault() throws Exception {
        assertNull(value(valid("{\"nickname\":null}"), "nickname"));
    }

    @Test
    void integersOutOfRangeOrNotIntegersAreRefusedNamingTheField() {
        SettingsException e = refused("{\"trackerPort\":70000}");
        assertEquals("trackerPort", e.field());
        assertEquals("trackerPort must be an integer from 1 to 65535, got 70000", e.getMessage());
        assertEquals("swarmPort", refused("{\"swarmPort\":\"8000\"}").field());
        assertEquals("swarmPort", refused("{\"swarmPort\":80.5}").field());
        assertEquals("swarmPort", refused("{\"swarmPort\":0}").field());
        assertEquals("announceIntervalSeconds", refused("{\"announceIntervalSeconds\":60}").field());
    }

    @Test
    void textAndPathsAreChecked() throws IOException {
        assertEquals("nickname", refused("{\"nickname\":\"   \"}").field());
        assertEquals("nickname", refused("{\"nickname\":\"" + "n".repeat(65) + "\"}").field());
        assertTrue(refused("{\"nickname\":\"a\\u0007b\"}").getMessage().contains("control characters"));
        assertEquals("nickname", refused("{\"nickname\":5}").field());
        SettingsException relative = refused("{\"downloadDirectory\":\"downloads\"}");
        assertEquals("downloadDirectory", relative.field());
        assertTrue(relative.getMessage().contains("absolute path"), relative.getMessage());
        Path file = Files.writeString(data.resolve("a-file"), "x");
        assertTrue(refused("{\"downloadDirectory\":\"" + file + "\"}").getMessage().contains("not a directory"));
    }

    @Test
    void unknownAndNotYetConfigurableSettingsAreRefusedWithTheReason() throws Exception {
        SettingsException unknown = refused("{\"trackerPrt\":1}");
        assertEquals("trackerPrt", unknown.field());
        assertTrue(unknown.getMessage().startsWith("unknown setting \"trackerPrt\"; settings: nickname,"),
                unknown.getMessage());
        SettingsException k = refused("{\"servicesPerShare\":9}");
        assertEquals("servicesPerShare", k.field());
        assertEquals("servicesPerShare must be an integer from 0 to 8, got 9", k.getMessage());
        Setting services = valid("{\"servicesPerShare\":3}").keySet().iterator().next();
        assertEquals("org.veilswarm.share", services.pid());
        assertNull(refused("{}").field(), "an empty body names no field");
    }

    @Test
    void rateLimitsGoToTheSwarmEngineAndTheOnionRelayAndABurstBelowTheRateIsRefused() throws Exception {
        Map<Setting, Object> changes = valid("{\"uploadLimit\":65536,\"downloadLimit\":0,"
                + "\"relayBandwidthRate\":1048576,\"relayBandwidthBurst\":2097152}");
        assertEquals(65536, value(changes, "uploadLimit"));
        Setting upload = changes.keySet().stream().filter(s -> s.name().equals("uploadLimit")).findFirst().orElseThrow();
        assertEquals("org.veilswarm.swarm", upload.pid());
        assertEquals("uploadRate", upload.property());
        Setting relay = changes.keySet().stream().filter(s -> s.name().equals("relayBandwidthBurst")).findFirst()
                .orElseThrow();
        assertEquals("org.veilswarm.transport.onion", relay.pid());
        assertEquals("bandwidthBurst", relay.property());

        SettingsException negative = refused("{\"uploadLimit\":-1}");
        assertEquals("uploadLimit", negative.field());
        assertEquals("uploadLimit must be an integer from 0 to 2147483647, got -1", negative.getMessage());
        assertEquals("downloadLimit", refused("{\"downloadLimit\":\"fast\"}").field());
        SettingsException burst = refused("{\"relayBandwidthRate\":2000000,\"relayBandwidthBurst\":1000}");
        assertEquals("relayBandwidthBurst", burst.field());
        assertTrue(burst.getMessage().startsWith("relayBandwidthBurst (1000) must be 0 or at least relayBandwidthRate"
                + " (2000000)"), burst.getMessage());
        // Against the burst in effect: raising the rate above it names the rate.
        SettingsException rate = assertThrows(SettingsException.class, () -> validator().validate(
                body("{\"relayBandwidthRate\":5000}"), Map.of("trackerPort", 6969, "swarmPort", 8429,
                        "relayBandwidthRate", 1000, "relayBandwidthBurst", 2000)));
        assertEquals("relayBandwidthRate", rate.field());
        assertEquals(1, valid("{\"relayBandwidthRate\":5000}").size(), "a burst of 0 means the rate");
    }

    @Test
    void portsMustDifferFromEachOtherAndFromTheConsole() {
        SettingsException same = refused("{\"trackerPort\":8429}");
        assertEquals("trackerPort", same.field());
        assertTrue(same.getMessage().contains("must differ"), same.getMessage());
        assertEquals("swarmPort", refused("{\"swarmPort\":6969}").field());
        SettingsException console = refused("{\"swarmPort\":8427}");
        assertEquals("swarmPort", console.field());
        assertTrue(console.getMessage().contains("console's own HTTP port"), console.getMessage());
    }

    @Test
    void swappingBothPortsInOneRequestIsFine() throws Exception {
        Map<Setting, Object> changes = valid("{\"trackerPort\":8429,\"swarmPort\":6969}");
        assertEquals(8429, value(changes, "trackerPort"));
        assertEquals(6969, value(changes, "swarmPort"));
    }

    @Test
    void choicesAcceptOnlyTheirOptions() throws Exception {
        assertEquals("onion-only", value(valid("{\"linkTransport\":\"onion-only\"}"), "linkTransport"));
        SettingsException other = refused("{\"linkTransport\":\"tor\"}");
        assertEquals("linkTransport", other.field());
        assertEquals("linkTransport must be one of prefer-onion, onion-only, direct, got \"tor\"", other.getMessage());
        assertEquals("linkTransport", refused("{\"linkTransport\":1}").field());
        Setting wait = new SettingsCatalog(data).find("onionWaitSeconds").orElseThrow();
        assertEquals("org.veilswarm.share", wait.pid());
        assertEquals(120, wait.defaultValue());
    }
}
