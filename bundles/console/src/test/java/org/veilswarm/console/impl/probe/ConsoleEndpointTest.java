package org.veilswarm.console.impl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConsoleEndpointTest {

    @Test
    void parsesEndpointUrlsInEveryShape() {
        assertEquals(List.of(new ConsoleEndpoint("127.0.0.1", 8427)),
                ConsoleEndpoint.fromEndpointProperty("http://127.0.0.1:8427/"));
        assertEquals(List.of(new ConsoleEndpoint("::1", 8427), new ConsoleEndpoint("10.0.0.5", 80)),
                ConsoleEndpoint.fromEndpointProperty(new String[] {"http://[::1]:8427/", "http://10.0.0.5/x"}));
        assertEquals(List.of(new ConsoleEndpoint("localhost", 9000)),
                ConsoleEndpoint.fromEndpointProperty(List.of("https://127.0.0.1:8443/", "http://localhost:9000",
                        "garbage", "http://host:notaport/")));
        assertEquals(List.of(), ConsoleEndpoint.fromEndpointProperty(null));
    }

    @Test
    void frameworkPropertiesWithFelixDefaults() {
        assertEquals(new ConsoleEndpoint("127.0.0.1", 8427),
                ConsoleEndpoint.fromFrameworkProperties("127.0.0.1", "8427"));
        assertEquals(new ConsoleEndpoint("0.0.0.0", 8080), ConsoleEndpoint.fromFrameworkProperties(null, null));
        assertThrows(IllegalArgumentException.class, () -> ConsoleEndpoint.fromFrameworkProperties(null, "http"));
        assertThrows(IllegalArgumentException.class, () -> ConsoleEndpoint.fromFrameworkProperties(null, "70000"));
    }

    @Test
    void loopbackAndWildcard() {
        assertTrue(new ConsoleEndpoint("127.0.0.1", 1).isLoopback());
        assertTrue(new ConsoleEndpoint("::1", 1).isLoopback());
        assertTrue(new ConsoleEndpoint("localhost", 1).isLoopback());
        assertFalse(new ConsoleEndpoint("10.1.2.3", 1).isLoopback());
        assertFalse(new ConsoleEndpoint("0.0.0.0", 1).isLoopback());
        assertTrue(new ConsoleEndpoint("0.0.0.0", 1).isWildcard());
        assertEquals(new ConsoleEndpoint("127.0.0.1", 5), new ConsoleEndpoint("::", 5).reachableLocally());
        assertEquals(new ConsoleEndpoint("10.1.2.3", 5), new ConsoleEndpoint("10.1.2.3", 5).reachableLocally());
    }

    @Test
    void choosesALoopbackEndpointAndWarnsAboutExposure() {
        ConsoleEndpoint configured = new ConsoleEndpoint("127.0.0.1", 8427);
        ConsoleEndpoint lan = new ConsoleEndpoint("192.168.1.20", 8427);
        ConsoleEndpoint loop = new ConsoleEndpoint("127.0.0.1", 8427);
        assertEquals(configured, ConsoleEndpoint.choose(configured, List.of()));
        assertEquals(loop, ConsoleEndpoint.choose(configured, List.of(lan, loop)));
        assertEquals(lan, ConsoleEndpoint.choose(configured, List.of(lan)));
        assertFalse(ConsoleEndpoint.exposedBeyondLoopback(configured, List.of(loop)));
        assertTrue(ConsoleEndpoint.exposedBeyondLoopback(configured, List.of(loop, lan)));
        assertTrue(ConsoleEndpoint.exposedBeyondLoopback(ConsoleEndpoint.fromFrameworkProperties(null, "8427"),
                List.of()), "Felix binds every interface when no host is configured");
        assertTrue(ConsoleEndpoint.exposedBeyondLoopback(new ConsoleEndpoint("192.168.1.20", 8427), List.of()));
    }

    @Test
    void managementUrl() {
        assertEquals("http://127.0.0.1:8427/management/tok", new ConsoleEndpoint("127.0.0.1", 8427)
                .managementUrl("tok"));
        assertEquals("http://[::1]:8427/management/tok", new ConsoleEndpoint("::1", 8427).managementUrl("tok"));
    }
}
