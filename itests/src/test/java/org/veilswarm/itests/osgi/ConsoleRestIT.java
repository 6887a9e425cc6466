package org.veilswarm.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;


import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.veilswarm.itests.support.BundleJars;
import org.veilswarm.itests.support.ConsoleClient;
import org.veilswarm.itests.support.ConsoleClient.Bearer;
import org.veilswarm.itests.support.ConsoleClient.Credentials;
import org.veilswarm.itests.support.ConsoleClient.Reply;
import org.veilswarm.itests.support.ConsoleClient.SessionCookie;
import org.veilswarm.itests.support.Json;
import org.veilswarm.itests.support.NodeContext;
import org.veilswarm.itests.support.NodeIT;

/**
 * The console's REST API against a real node (issue requirement c), over HTTP on 127.0.0.1: authentication
 * (bearer token, cookie session with CSRF token), the bundle life cycle, and bad input. Every state change
 * the API reports is checked against the framework itself.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleRestIT extends NodeIT {

    private ConsoleClient console;
    private String token;
    private Credentials bearer;

    @Before
    public void connect() throws IOException {
        // console.url appears only once the console has checked that its port really listens.
        node.awaitFile("console.url");
        token = Files.readString(node.dataDirectory().resolve("management.token")).strip();
        bearer = new Bearer(token);
        console = new ConsoleClient(node.httpPort());
    }

    @Test
    public void consoleFilesFollowTheDataDirectoryContract() throws IOException {
        Path tokenFile = node.dataDirectory().resolve("management.token");
        Path urlFile = node.dataDirectory().resolve("console.url");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(urlFile)));
        assertTrue("token is not base64url without padding: " + token, token.matches("[A-Za-z0-9_-]+"));
        assertEquals("the token is not 32 random bytes", 32, Base64.getUrlDecoder().decode(token).length);
        assertEquals("http://127.0.0.1:" + node.httpPort() + "/management/" + token,
                Files.readString(urlFile).strip());
    }

    @Test
    public void apiWithoutValidCredentialsAnswers401Json() throws IOException {
        for (Credentials credentials : List.of(ConsoleClient.NONE, new Bearer("not-the-token"),
                new SessionCookie("no-such-session", null))) {
            Reply reply = console.get("/api/bundles", credentials);
            assertEquals(credentials + ": " + reply, 401, reply.status());
            assertJsonError(reply, 401);
        }
    }

    @Test
    public void bearerTokenListsTheFrameworksBundles() throws IOException {
        Reply reply = console.get("/api/bundles", bearer);
        assertEquals(reply.toString(), 200, reply.status());
        List<Object> listed = reply.array();
        assertEquals("the API lists a different number of bundles than the framework has",
                context.getBundles().length, listed.size());
        for (Object entry : listed) {
            Map<?, ?> bundle = (Map<?, ?>) entry;
            long id = ((BigDecimal) bundle.get("id")).longValueExact();
            Bundle real = context.getBundle(id);
            assertNotNull("the API lists bundle " + id + ", which the framework does not have", real);
            assertEquals(real.getSymbolicName(), bundle.get("symbolicName"));
            assertEquals(NodeContext.state(real.getState()), bundle.get("state"));
        }
        Reply nodeReply = console.get("/api/node", bearer);
        assertEquals(nodeReply.toString(), 200, nodeReply.status());
    }

    @Test
    public void installByUrlThenStartStopUninstall() throws IOException {
        Path jar = BundleJars.write(node.dataDirectory().resolve("fixtures"), "by-url.jar",
                BundleJars.bundle("org.veilswarm.itests.by-url", "1.2.3"));
        int before = context.getBundles().length;
        Reply installed = console.postJson("/api/bundles", "{\"url\":" + Json.quote(jar.toUri().toString()) + "}", bearer);
        assertEquals(installed.toString(), 201, installed.status());
        long id = idOf(installed);
        Bundle bundle = context.getBundle(id);
        assertNotNull("the API reported bundle " + id + " installed, the framework does not have it", bundle);
        assertEquals("org.veilswarm.itests.by-url", bundle.getSymbolicName());
        assertEquals("1.2.3", bundle.getVersion().toString());
        assertEquals(before + 1, context.getBundles().length);
        assertTrue("installed without \"start\":true but " + NodeContext.state(bundle.getState()),
                bundle.getState() == Bundle.INSTALLED || bundle.getState() == Bundle.RESOLVED);

        startStopUninstall(id, bundle);
        assertEquals(before, context.getBundles().length);
    }

    @Test
    public void installByMultipartUploadAndStartAtOnce() throws IOException {
        int before = context.getBundles().length;
        Reply installed = console.postMultipart("/api/bundles", "uploaded.jar",
                BundleJars.bundle("org.veilswarm.itests.uploaded", "2.0.0"), Map.of("start", "true"), bearer);
        assertEquals(installed.toString(), 201, installed.status());
        long id = idOf(installed);
        assertEquals("ACTIVE", installed.object().get("state"));
        Bundle bundle = context.getBundle(id);
        assertNotNull(bundle);
        assertEquals("org.veilswarm.itests.uploaded", bundle.getSymbolicName());
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals(before + 1, context.getBundles().length);

        startStopUninstall(id, bundle);
        assertEquals(before, context.getBundles().length);
    }

    /** start, stop, uninstall through the API; each answer checked against the framework. */
    private void startStopUninstall(long id, Bundle bundle) throws IOException {
        Reply started = console.post("/api/bundles/" + id + "/start", bearer);
        assertEquals(started.toString(), 200, started.status());
        assertEquals("ACTIVE", started.object().get("state"));
        assertEquals(Bundle.ACTIVE, bundle.getState());

        Reply stopped = console.post("/api/bundles/" + id + "/stop", bearer);
        assertEquals(stopped.toString(), 200, stopped.status());
        assertEquals("RESOLVED", stopped.object().get("state"));
        assertEquals(Bundle.RESOLVED, bundle.getState());

        Reply detail = console.get("/api/bundles/" + id, bearer);
        assertEquals(detail.toString(), 200, detail.status());
        assertEquals(bundle.getSymbolicName(), detail.object().get("symbolicName"));

        Reply uninstalled = console.delete("/api/bundles/" + id, bearer);
        assertEquals(uninstalled.toString(), 200, uninstalled.status());
        assertNull("the API reported bundle " + id + " uninstalled, the framework still has it", context.getBundle(id));
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        Reply gone = console.get("/api/bundles/" + id, bearer);
        assertEquals(gone.toString(), 404, gone.status());
        assertJsonError(gone, 404);
    }

    @Test
    public void badArchivesAnswer400AndInstallNothing() throws IOException {
        Map<String, byte[]> bad = Map.of(
                "corrupt.jar", BundleJars.corruptJar(),
                "plain.jar", BundleJars.plainJar(),
                "no-manifest.zip", BundleJars.zipWithoutManifest(),
                "empty.jar", new byte[0]);
        for (Map.Entry<String, byte[]> archive : bad.entrySet()) {
            int before = context.getBundles().length;
            Reply uploaded = console.postMultipart("/api/bundles", archive.getKey(), archive.getValue(), Map.of(), bearer);
            assertEquals("upload of " + archive.getKey() + ": " + uploaded, 400, uploaded.status());
            assertJsonError(uploaded, 400);
            assertEquals("upload of " + archive.getKey() + " changed the installed bundles\n" + node.describeBundles(),
                    before, context.getBundles().length);

            Path file = BundleJars.write(node.dataDirectory().resolve("fixtures"), archive.getKey(), archive.getValue());
            Reply byUrl = console.postJson("/api/bundles", "{\"url\":" + Json.quote(file.toUri().toString()) + "}", bearer);
            assertEquals("install of " + archive.getKey() + " by URL: " + byUrl, 400, byUrl.status());
            assertJsonError(byUrl, 400);
            assertEquals(before, context.getBundles().length);
        }
    }

    @Test
    public void unknownBundleIdAnswers404() throws IOException {
        long unknown = 424_242;
        assertNull(context.getBundle(unknown));
        for (Reply reply : List.of(console.get("/api/bundles/" + unknown, bearer),
                console.post("/api/bundles/" + unknown + "/start", bearer),
                console.post("/api/bundles/" + unknown + "/stop", bearer),
                console.delete("/api/bundles/" + unknown, bearer))) {
            assertEquals(reply.toString(), 404, reply.status());
            assertJsonError(reply, 404);
        }
    }

    @Test
    public void malformedJsonAnswers400() throws IOException {
        int before = context.getBundles().length;
        for (String body : List.of("{\"url\": ", "not json", "[\"file:/x.jar\"]", "{\"url\": 42}")) {
            Reply reply = console.postJson("/api/bundles", body, bearer);
            assertEquals(body + ": " + reply, 400, reply.status());
            assertJsonError(reply, 400);
        }
        assertEquals(before, context.getBundles().length);
    }

    @Test
    public void cookieSessionNeedsTheCsrfTokenToChangeState() throws IOException {
        Reply signIn = console.get("/management/" + token, ConsoleClient.NONE);
        assertEquals(signIn.toString(), 303, signIn.status());
        assertEquals("/console/", java.net.URI.create(signIn.header("Location").orElse("")).getPath());
        String cookie = signIn.allHeaders("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleClient.SESSION_COOKIE + "_")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie: " + signIn.headers()));
        String attributes = cookie.toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        assertTrue("cookie is not HttpOnly: " + cookie, attributes.contains(";httponly"));
        assertTrue("cookie is not SameSite=Strict: " + cookie, attributes.contains(";samesite=strict"));
        assertTrue("cookie path is not /: " + cookie, attributes.contains(";path=/"));

        Reply wrongToken = console.get("/management/" + token.substring(1) + "x", ConsoleClient.NONE);
        assertFalse("a wrong management token got a session", ConsoleClient.sessionCookie(wrongToken).isPresent());
        assertTrue("a wrong management token was answered " + wrongToken, wrongToken.status() >= 400);

        SessionCookie session = console.signIn(token);
        Reply installed = console.postMultipart("/api/bundles", "csrf.jar",
                BundleJars.bundle("org.veilswarm.itests.csrf", "1.0.0"), Map.of(), bearer);
        assertEquals(installed.toString(), 201, installed.status());
        long id = idOf(installed);
        Bundle bundle = context.getBundle(id);
        try {
            Reply listed = console.get("/api/bundles", session.withoutCsrf());
            assertEquals("reading needs no CSRF token: " + listed, 200, listed.status());

            Reply refused = console.post("/api/bundles/" + id + "/start", session.withoutCsrf());
            assertEquals(refused.toString(), 403, refused.status());
            assertJsonError(refused, 403);
            assertTrue("the refused request started the bundle anyway", bundle.getState() != Bundle.ACTIVE);

            Reply wrongCsrf = console.post("/api/bundles/" + id + "/start", new SessionCookie(session.sessionId(), "forged"));
            assertEquals(wrongCsrf.toString(), 403, wrongCsrf.status());
            assertTrue(bundle.getState() != Bundle.ACTIVE);

            Reply started = console.post("/api/bundles/" + id + "/start", session);
            assertEquals(started.toString(), 200, started.status());
            assertEquals(Bundle.ACTIVE, bundle.getState());
        } finally {
            Reply removed = console.delete("/api/bundles/" + id, bearer);
            assertEquals(removed.toString(), 200, removed.status());
        }
    }

    @Test
    public void felixWebConsoleNeedsAuthentication() throws IOException {
        Reply anonymous = console.get("/system/console", ConsoleClient.NONE);
        assertTrue("/system/console without credentials answered " + anonymous.status(),
                anonymous.status() == 401 || anonymous.status() == 403);
        Reply anonymousBundles = console.get("/system/console/bundles", ConsoleClient.NONE);
        assertTrue("/system/console/bundles without credentials answered " + anonymousBundles.status(),
                anonymousBundles.status() == 401 || anonymousBundles.status() == 403);

        SessionCookie session = console.signIn(token);
        Reply page = followRedirects("/system/console", session);
        assertEquals(page.toString(), 200, page.status());
        assertTrue("not the Felix Web Console: " + page, page.body().contains("Apache Felix Web Console")
                || page.body().contains("webconsole"));
    }

    /** GETs {@code path}, following same-origin redirects with the same credentials (at most 5). */
    private Reply followRedirects(String path, Credentials credentials) throws IOException {
        String current = path;
        for (int hop = 0; hop < 5; hop++) {
            Reply reply = console.get(current, credentials);
            if (reply.status() / 100 != 3) {
                return reply;
            }
            java.net.URI next = console.base().resolve(current).resolve(reply.header("Location").orElseThrow());
            assertEquals("redirected off the console: " + next, console.base().getAuthority(), next.getAuthority());
            current = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        }
        throw new AssertionError("more than 5 redirects from " + path);
    }

    private static long idOf(Reply reply) {
        Object id = reply.object().get("id");
        assertTrue("no numeric id in " + reply, id instanceof BigDecimal);
        return ((BigDecimal) id).longValueExact();
    }

    private static void assertJsonError(Reply reply, int status) {
        assertTrue("not JSON: " + reply.header("Content-Type"), reply.header("Content-Type").orElse("").startsWith("application/json"));
        Map<String, Object> error = reply.object();
        assertTrue("no error message in " + reply, error.get("error") instanceof String message && !message.isBlank());
        assertEquals(reply.toString(), new BigDecimal(status), error.get("status"));
    }
}
