package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RequestOriginTest {

    @Test
    void usesTheHostHeaderTheBrowserSent() {
        assertEquals("http://127.0.0.1:8427", RequestOrigin.of("http", "127.0.0.1:8427", "ignored", 1));
        assertEquals("http://localhost:9000", RequestOrigin.of("HTTP", "LocalHost:9000", "ignored", 1));
    }

    @Test
    void fallsBackToServerNameAndPort() {
        assertEquals("http://127.0.0.1:8427", RequestOrigin.of("http", null, "127.0.0.1", 8427));
        assertEquals("http://example", RequestOrigin.of("http", "", "example", 80));
        assertEquals("http://[::1]:8427", RequestOrigin.of("http", null, "::1", 8427));
    }
}
