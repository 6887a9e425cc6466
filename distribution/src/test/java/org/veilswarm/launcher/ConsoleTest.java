package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console feature through the launcher: {@code consoleUrl} returns the URL from {@code <data>/console.url},
 * which answers as the contract says. Needs the real console bundle (bundles/console). One node serves all
 * tests (a start costs seconds); the last test stops it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {

    private static final Duration CONSOLE_WAIT = Duration.ofSeconds(60);

    private Path data;
    private int port;
    private VeilswarmNode node;
    private URI url;

    @BeforeAll
    void start(@TempDir Path dataDirectory) {
        data = dataDirectory;
        port = TestNodes.freePort();
        node = TestNodes.builder(data).features("core", "console").consolePort(port).build();
        node.start();
        url = node.consoleUrl(CONSOLE_WAIT);
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    @Order(1)
    void consoleUrlIsTheContractsLink() throws Exception {
        assertTrue(url.toString().matches("http://127\\.0\\.0\\.1:" + port + "/management/[A-Za-z0-9_-]{43}"), url.toString());
        assertEquals(url.toString(), Files.readString(data.resolve("console.url")).trim());
    }

    @Test
    @Order(2)
    void managementLinkGivesASessionForTheConsolePage() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> management = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, management.statusCode(), "the management link trades the token for a session");
        assertTrue(management.headers().firstValue("Set-Cookie").orElse("").startsWith("VEILSWARM_SESSION_" + port + "="));
        assertEquals(200, http.send(HttpRequest.newBuilder(url.resolve("/console/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "with the session cookie the console page loads");
    }

    @Test
    @Order(3)
    void apiNeedsTheTokenAndNamesTheNode() throws Exception {
        URI api = url.resolve("/api/node");
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("\"status\":401"), anonymous.body());

        String token = url.getPath().substring("/management/".length());
        HttpResponse<String> bearer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api)
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bearer.statusCode(), bearer.body());
        String address = node.address(Duration.ofSeconds(10)).orElseThrow();
        assertTrue(bearer.body().contains(address), "GET /api/node names the node's address " + address + ": " + bearer.body());
    }

    @Test
    @Order(4)
    void secondNodeOnTheSamePortFailsBeforeStarting(@TempDir Path otherData) {
        VeilswarmNode second = TestNodes.builder(otherData).features("core", "console").consolePort(port).build();
        VeilswarmLaunchException e = assertThrows(VeilswarmLaunchException.class, second::start);
        assertTrue(e.getMessage().contains("Console port " + port), e.getMessage());
        assertTrue(node.isRunning(), "the first node is unaffected");
    }

    @Test
    @Order(5)
    void consoleUrlIsRemovedWhenTheNodeStops() {
        node.stop();
        assertFalse(Files.exists(data.resolve("console.url")), "the console deletes console.url when it stops");
    }
}
