package org.veilswarm.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A client of the console's HTTP API on 127.0.0.1 (java.net.http): no redirects followed, no cookie jar, so
 * that every test states exactly which credentials a request carries.
 */
public final class ConsoleClient {
    /** The session cookie's name before its suffix: the console names it VEILSWARM_SESSION_<HTTP port>. */
    public static final String SESSION_COOKIE = "VEILSWARM_SESSION";

    /** Credentials a request carries. */
    public sealed interface Credentials permits None, Bearer, SessionCookie {
    }

    /** No credentials. */
    public record None() implements Credentials {
    }

    /** {@code Authorization: Bearer <token>} (RFC 6750 §2.1). */
    public record Bearer(String token) implements Credentials {
    }

    /** The session cookie, and the CSRF token header when {@code csrfToken} is not null. */
    public record SessionCookie(String sessionId, String csrfToken) implements Credentials {
        public SessionCookie withoutCsrf() {
            return new SessionCookie(sessionId, null);
        }
    }

    /** An answer: status, headers, body. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        public List<String> allHeaders(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).toList();
        }

        public Map<String, Object> object() {
            return Json.object(body);
        }

        public List<Object> array() {
            return Json.array(body);
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + Json.abbreviate(body);
        }
    }

    public static final Credentials NONE = new None();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    public ConsoleClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    public URI base() {
        return base;
    }

    public Reply get(String path, Credentials credentials) throws IOException {
        return send(request(path, credentials).GET());
    }

    public Reply delete(String path, Credentials credentials) throws IOException {
        return send(request(path, credentials).DELETE());
    }

    public Reply post(String path, Credentials credentials) throws IOException {
        return send(request(path, credentials).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Reply postJson(String path, String json, Credentials credentials) throws IOException {
        return send(request(path, credentials).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** {@code multipart/form-data} (RFC 7578) with the archive in field {@code file} and extra text fields. */
    public Reply postMultipart(String path, String fileName, byte[] content, Map<String, String> fields,
            Credentials credentials) throws IOException {
        String boundary = "veilswarm-itest-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request(path, credentials).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private HttpRequest.Builder request(String path, Credentials credentials) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (credentials instanceof Bearer bearer) {
            builder.header("Authorization", "Bearer " + bearer.token());
        } else if (credentials instanceof SessionCookie session) {
            builder.header("Cookie", SESSION_COOKIE + "_" + base.getPort() + "=" + session.sessionId());
            if (session.csrfToken() != null) {
                builder.header("X-CSRF-Token", session.csrfToken());
            }
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder builder) throws IOException {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().map(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Signs in the way a browser does: {@code GET /management/<token>} must answer 303 to {@code /console/} with
     * the session cookie; the CSRF token then comes from {@code GET /api/session}.
     *
     * @return the session, with its CSRF token
     */
    public SessionCookie signIn(String managementToken) throws IOException {
        Reply reply = get("/management/" + managementToken, NONE);
        if (reply.status() != 303) {
            throw new AssertionError("GET /management/<token> answered " + reply + ", expected 303 to /console/");
        }
        String sessionId = sessionCookie(reply).orElseThrow(() -> new AssertionError(
                "GET /management/<token> set no " + SESSION_COOKIE + " cookie: " + reply.headers()));
        Reply session = get("/api/session", new SessionCookie(sessionId, null));
        if (session.status() != 200) {
            throw new AssertionError("GET /api/session with the new cookie answered " + session);
        }
        Object csrf = session.object().get("csrfToken");
        if (!(csrf instanceof String token) || token.isEmpty()) {
            throw new AssertionError("GET /api/session gave no csrfToken: " + session.body());
        }
        return new SessionCookie(sessionId, token);
    }

    /** The value of the session cookie a reply sets, if any. */
    public static Optional<String> sessionCookie(Reply reply) {
        for (String setCookie : reply.allHeaders("Set-Cookie")) {
            String first = setCookie.split(";", 2)[0].trim();
            int eq = first.indexOf('=');
            if (eq > 0 && first.substring(0, eq).matches(SESSION_COOKIE + "_[0-9]{1,5}") && eq < first.length() - 1) {
                return Optional.of(first.substring(eq + 1));
            }
        }
        return Optional.empty();
    }
}
