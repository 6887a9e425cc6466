package org.veilswarm.console.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

    @Test
    void ownPagesGetTheStrictPolicy() {
        Map<String, String> h = SecurityHeaders.forArea(ConsolePaths.Area.OTHER);
        assertEquals("default-src 'self'; frame-ancestors 'none'", h.get("Content-Security-Policy"));
        assertEquals("nosniff", h.get("X-Content-Type-Options"));
        assertEquals("no-referrer", h.get("Referrer-Policy"));
        assertFalse(h.containsKey("Cache-Control"), "static files may be revalidated");
    }

    @Test
    void apiAndLoginAreNeverCached() {
        assertEquals("no-store", SecurityHeaders.forArea(ConsolePaths.Area.API).get("Cache-Control"));
        assertEquals("no-store", SecurityHeaders.forArea(ConsolePaths.Area.LOGIN).get("Cache-Control"));
        assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY,
                SecurityHeaders.forArea(ConsolePaths.Area.API).get("Content-Security-Policy"));
    }

    @Test
    void theWebConsoleKeepsItsInlineScriptsButCannotBeFramed() {
        Map<String, String> h = SecurityHeaders.forArea(ConsolePaths.Area.WEB_CONSOLE);
        assertEquals("frame-ancestors 'none'", h.get("Content-Security-Policy"));
        assertEquals("nosniff", h.get("X-Content-Type-Options"));
        assertEquals("DENY", h.get("X-Frame-Options"));
    }
}
