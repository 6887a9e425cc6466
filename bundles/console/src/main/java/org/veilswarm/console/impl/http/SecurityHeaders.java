package org.veilswarm.console.impl.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Response headers set on every console response, by area.
 *
 * <p>Our own pages get a strict Content Security Policy (no inline script or style, no framing). The Felix Web
 * Console ships inline scripts, so it gets only the framing ban and the other hardening headers: a strict
 * policy there would break it without making our own pages any safer.
 */
public final class SecurityHeaders {

    /** The policy of the console's own pages and API. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    /** Headers for a response in {@code area}. */
    public static Map<String, String> forArea(ConsolePaths.Area area) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        if (area == ConsolePaths.Area.WEB_CONSOLE) {
            headers.put("Content-Security-Policy", "frame-ancestors 'none'");
            headers.put("Referrer-Policy", "same-origin");
            return headers;
        }
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("Referrer-Policy", "no-referrer");
        if (area == ConsolePaths.Area.API || area == ConsolePaths.Area.LOGIN) {
            headers.put("Cache-Control", "no-store");
        }
        return headers;
    }
}
