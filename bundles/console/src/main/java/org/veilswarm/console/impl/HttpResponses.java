package org.veilswarm.console.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.veilswarm.console.impl.auth.Authenticator;
import org.veilswarm.console.impl.http.ApiException;
import org.veilswarm.console.impl.http.Json;

/** Writing responses: JSON bodies, JSON errors, the session cookie. */
final class HttpResponses {

    static final String JSON = "application/json";

    private HttpResponses() {
    }

    static void json(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body);
        response.setStatus(status);
        response.setContentType(JSON);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** {@code {"error":"...","status":N}} with the given status. */
    static void error(HttpServletResponse response, int status, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        json(response, status, Json.error(status, message));
    }

    static void error(HttpServletResponse response, ApiException e) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        for (Map.Entry<String, String> header : e.headers().entrySet()) {
            response.setHeader(header.getKey(), header.getValue());
        }
        error(response, e.status(), e.getMessage());
    }

    static void text(HttpServletResponse response, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(contentType + "; charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * {@code VEILSWARM_SESSION_<port>=<id>; Path=/; HttpOnly; SameSite=Strict}: no script can read it and no
     * other site can make the browser send it (RFC 6265bis §4.1.2.7). Not {@code Secure}: the console is plain
     * HTTP on loopback. The port suffix keeps nodes on one host apart ({@link Authenticator#sessionCookieName}).
     */
    static void setSessionCookie(HttpServletRequest request, HttpServletResponse response, String sessionId) {
        response.addHeader("Set-Cookie", Authenticator.sessionCookieName(request.getLocalPort()) + "=" + sessionId
                + "; Path=/; HttpOnly; SameSite=Strict");
    }

    static void clearSessionCookie(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader("Set-Cookie", Authenticator.sessionCookieName(request.getLocalPort())
                + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }
}
