package org.veilswarm.console.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.veilswarm.console.http.HttpSession.Reply;
import org.veilswarm.console.impl.bundles.TestArchives;

/**
 * The console's HTTP contract end to end: a real Felix with Jetty 12, SCR, Configuration Admin, the node, the
 * Felix Web Console and this console, driven over HTTP on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHttpTest {

    private static final String BASIC_ADMIN_ADMIN = "Basic YWRtaW46YWRtaW4=";

    private Path work;
    private FelixHarness felix;
    private HttpSession http;
    private String token;

    @BeforeAll
    void boot(@TempDir Path work) throws Exception {
        this.work = work;
        Dictionary<String, Object> console = new Hashtable<>();
        console.put("maxUploadMegabytes", 1);
        Dictionary<String, Object> stats = new Hashtable<>();
        stats.put("sampleSeconds", 1);
        stats.put("samplesKept", 3);
        felix = FelixHarness.start(work, freePort(), Map.of("org.veilswarm.console", console,
                "org.veilswarm.console.stats", stats), true);
        http = new HttpSession(felix.port);
        Path url = felix.dataDirectory.resolve("console.url");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(url) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(url), "the console never wrote console.url");
        token = Files.readString(felix.dataDirectory.resolve("management.token"));
    }

    @AfterAll
    void shutdown() throws Exception {
        if (felix != null) {
            felix.close();
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free on 127.0.0.1 now, below Linux's ephemeral range (32768 and up): Felix HTTP binds it seconds later,
     * and meanwhile the kernel may give a port of that range to any other process's outgoing connection or port-0
     * listener (other builds share the machine). 10000-19999: LocalTestnetIT's node ranges start at 20000.
     */
    static int freePort() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10_000 + random.nextInt(10_000);
            if (!HANDED_OUT.add(port)) {
                continue; // never the same port twice in this JVM
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 10000-19999 on 127.0.0.1");
    }

    private String[] bearer() {
        return new String[] {"Authorization", "Bearer " + token};
    }

    /** Signs in through the management link; returns {cookie header, CSRF token}. */
    private String[] signIn() {
        Reply reply = http.get("/management/" + token);
        assertEquals(303, reply.status(), reply.toString());
        String setCookie = reply.header("Set-Cookie");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Reply session = http.get("/api/session", "Cookie", cookie);
        assertEquals(200, session.status(), session.toString());
        return new String[] {cookie, session.json().get("csrfToken").textValue()};
    }

    private long install(Path jar) throws IOException {
        Reply reply = http.upload("/api/bundles", jar, bearer());
        assertEquals(201, reply.status(), reply.toString());
        return reply.json().get("id").longValue();
    }

    private int bundleCount() {
        return felix.context().getBundles().length;
    }

    // --- files and sign-in -------------------------------------------------------------------------------

    @Test
    void consoleUrlIsWrittenOwnerOnlyAfterThePortCheck() throws IOException {
        Path url = felix.dataDirectory.resolve("console.url");
        assertEquals("http://127.0.0.1:" + felix.port + "/management/" + token + "\n", Files.readString(url));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(url)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                felix.dataDirectory.resolve("management.token"))));
    }

    @Test
    void theManagementLinkExchangesTheTokenForASessionCookie() {
        Reply reply = http.get("/management/" + token);
        assertEquals(303, reply.status());
        assertEquals("/console/", reply.header("Location"));
        String cookie = reply.header("Set-Cookie");
        assertTrue(cookie.matches("VEILSWARM_SESSION_" + felix.port
                + "=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict"), cookie);
        assertEquals("no-store", reply.header("Cache-Control"));
    }

    @Test
    void aWrongTokenIsAPlain404WithoutCookie() {
        String wrong = token.substring(0, 42) + (token.charAt(42) == 'A' ? 'B' : 'A');
        for (String path : new String[] {"/management/" + wrong, "/management/short", "/management/ping-x"}) {
            Reply reply = http.get(path);
            assertEquals(404, reply.status(), path);
            assertNull(reply.header("Set-Cookie"), path);
            assertNull(reply.header("X-Veilswarm-Probe"), "only a probe in flight is echoed");
        }
    }

    @Test
    void sessionEndpointHandsOutTheCsrfToken() {
        String[] session = signIn();
        JsonNode json = http.get("/api/session", "Cookie", session[0]).json();
        assertTrue(json.get("authenticated").booleanValue());
        assertEquals("session", json.get("via").textValue());
        assertEquals(43, json.get("csrfToken").textValue().length());
        assertEquals("bearer", http.get("/api/session", bearer()).json().get("via").textValue());
    }

    @Test
    void logoutEndsTheSession() {
        String[] session = signIn();
        Reply out = http.post("/api/logout", "Cookie", session[0], "X-CSRF-Token", session[1]);
        assertEquals(200, out.status(), out.toString());
        assertTrue(out.json().get("loggedOut").booleanValue());
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"));
        Reply after = http.get("/api/session", "Cookie", session[0]);
        assertEquals(401, after.status());
        assertTrue(after.json().get("error").textValue().contains("session expired or unknown"), after.body());
    }

    // --- authentication and CSRF -------------------------------------------------------------------------

    @Test
    void theApiNeedsCredentials() {
        Reply none = http.get("/api/bundles");
        assertEquals(401, none.status());
        assertEquals("application/json", none.header("Content-Type"));
        assertEquals(401, none.json().get("status").intValue());
        assertTrue(none.json().get("error").textValue().startsWith("authentication required"), none.body());
        assertEquals(401, http.get("/api/bundles", "Authorization", "Bearer nope").status());
        assertEquals(401, http.get("/api/bundles", "Authorization", BASIC_ADMIN_ADMIN).status());
        assertEquals(401, http.get("/api/bundles", "Cookie", "VEILSWARM_SESSION_" + felix.port + "=forged").status());
        assertEquals(401, http.get("/api/bundles", "Cookie", "VEILSWARM_SESSION_" + felix.port + "=" + token).status(),
                "the token is not a session id");
        assertEquals(200, http.get("/api/bundles", bearer()).status());
    }

    @Test
    void everythingButTheSignInNeedsCredentials() {
        for (String path : new String[] {"/", "/console/", "/console/app.js", "/elsewhere", "/management",
                "/management/a/b", "/system/console/bundles"}) {
            Reply reply = http.get(path);
            assertEquals(401, reply.status(), path);
            assertEquals("Bearer realm=\"veilswarm\"", reply.header("WWW-Authenticate"), path);
        }
    }

    @Test
    void cookieStateChangesNeedTheCsrfToken() throws IOException {
        long id = install(TestArchives.bundle(work.resolve("csrf.jar"), "org.example.csrf", "1.0.0"));
        String[] session = signIn();
        Reply missing = http.post("/api/bundles/" + id + "/start", "Cookie", session[0]);
        assertEquals(403, missing.status());
        assertTrue(missing.json().get("error").textValue().contains("X-CSRF-Token"), missing.body());
        assertEquals(403, http.post("/api/bundles/" + id + "/start", "Cookie", session[0],
                "X-CSRF-Token", "wrong").status());
        Reply foreign = http.post("/api/bundles/" + id + "/start", "Cookie", session[0],
                "X-CSRF-Token", session[1], "Origin", "http://evil.example");
        assertEquals(403, foreign.status());
        assertTrue(foreign.json().get("error").textValue().contains("cross-origin"), foreign.body());
        assertEquals("INSTALLED", http.get("/api/bundles/" + id, bearer()).json().get("state").textValue(),
                "refused requests changed nothing");
        Reply ok = http.post("/api/bundles/" + id + "/start", "Cookie", session[0],
                "X-CSRF-Token", session[1], "Origin", http.origin());
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("ACTIVE", ok.json().get("state").textValue());
        Reply bearerStop = http.post("/api/bundles/" + id + "/stop", bearer());
        assertEquals(200, bearerStop.status(), "Bearer calls are exempt from CSRF");
        assertEquals(200, http.delete("/api/bundles/" + id, bearer()).status());
    }

    @Test
    void securityHeadersOnConsoleResponses() {
        String[] session = signIn();
        Reply api = http.get("/api/bundles", "Cookie", session[0]);
        assertEquals("default-src 'self'; frame-ancestors 'none'", api.header("Content-Security-Policy"));
        assertEquals("nosniff", api.header("X-Content-Type-Options"));
        assertEquals("no-referrer", api.header("Referrer-Policy"));
        assertEquals("no-store", api.header("Cache-Control"));
        Reply page = http.get("/console/", "Cookie", session[0]);
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\"></script>"));
        assertEquals("default-src 'self'; frame-ancestors 'none'", page.header("Content-Security-Policy"));
        Reply script = http.get("/console/app.js", "Cookie", session[0]);
        assertEquals(200, script.status());
        assertTrue(script.header("Content-Type").startsWith("text/javascript"));
        for (String sneaky : new String[] {"/console/../management.token", "/console/%2e%2e/management.token",
                "/console/..%2fmanagement.token"}) {
            Reply reply = http.get(sneaky, "Cookie", session[0]);
            assertNotEquals(200, reply.status(), sneaky);
            assertFalse(reply.body().contains(token), sneaky);
        }
        assertEquals(404, http.get("/console/nope.js", "Cookie", session[0]).status());
        Reply unauthorized = http.get("/api/node");
        assertEquals("nosniff", unauthorized.header("X-Content-Type-Options"), "errors carry the headers too");
    }

    // --- the Felix Web Console ----------------------------------------------------------------------------

    @Test
    void theWebConsoleIsBehindTheSameAuthentication() throws IOException {
        Reply anonymous = http.get("/system/console/bundles");
        assertEquals(401, anonymous.status());
        Reply adminAdmin = http.get("/system/console/bundles", "Authorization", BASIC_ADMIN_ADMIN);
        assertEquals(401, adminAdmin.status(), "the built-in admin/admin login must not work");
        String[] session = signIn();
        Reply page = http.get("/system/console/bundles", "Cookie", session[0]);
        assertEquals(200, page.status(), page.toString());
        assertTrue(page.body().contains("Apache Felix Web Console"), page.body());
        assertEquals(200, http.get("/system/console/bundles", bearer()).status());
        Reply noOrigin = http.send("POST", "/system/console/bundles/0",
                java.net.http.HttpRequest.BodyPublishers.ofString("action=refreshPackages"),
                "Cookie", session[0], "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(403, noOrigin.status(), "cookie POSTs to the web console need a matching Origin");
        Dictionary<String, Object> lockdown = felix.configuration(
                "org.apache.felix.webconsole.internal.servlet.OsgiManager");
        assertNotNull(lockdown, "the web console's configuration was locked down");
        assertEquals(Boolean.TRUE, lockdown.get("veilswarm.lockdown"));
        assertNotEquals("admin", lockdown.get("username"));
    }

    @Test
    void thePreprocessorIsRegisteredWithTheWhiteboard() throws Exception {
        String runtime = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
        Object dto = felix.callService("org.apache.felix.http.jetty12", runtime, "getRuntimeDTO", new Class<?>[0]);
        Object[] preprocessors = (Object[]) dto.getClass().getField("preprocessorDTOs").get(dto);
        Object[] failed = (Object[]) dto.getClass().getField("failedPreprocessorDTOs").get(dto);
        assertEquals(0, failed.length, "no preprocessor was refused");
        assertEquals(1, preprocessors.length);
        long serviceId = preprocessors[0].getClass().getField("serviceId").getLong(preprocessors[0]);
        assertEquals("org.veilswarm.console", felix.context()
                .getAllServiceReferences(null, "(service.id=" + serviceId + ")")[0].getBundle()
                .getSymbolicName());
    }

    @Test
    void withoutOurSecurityProviderThePreprocessorStillGuardsTheWebConsole() throws Exception {
        String provider = "org.veilswarm.console.impl.webconsole.WebConsoleSecurityProvider";
        String[] session = signIn();
        felix.setComponentEnabled("org.veilswarm.console", provider, false);
        try {
            Reply anonymous = http.get("/system/console/bundles");
            assertEquals(401, anonymous.status());
            assertEquals("Bearer realm=\"veilswarm\"", anonymous.header("WWW-Authenticate"),
                    "answered by the preprocessor, before the web console");
            assertTrue(anonymous.body().contains("Not signed in"), anonymous.body());
            Reply adminAdmin = http.get("/system/console/bundles", "Authorization", BASIC_ADMIN_ADMIN);
            assertEquals(401, adminAdmin.status());
            assertEquals("Bearer realm=\"veilswarm\"", adminAdmin.header("WWW-Authenticate"));
            // Past the preprocessor, the web console falls back to its own (locked down) basic login.
            Reply signedIn = http.get("/system/console/bundles", "Cookie", session[0]);
            assertEquals(401, signedIn.status());
            assertTrue(signedIn.header("WWW-Authenticate").startsWith("Basic"), signedIn.headers().toString());
        } finally {
            felix.setComponentEnabled("org.veilswarm.console", provider, true);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        Reply back;
        do {
            back = http.get("/system/console/bundles", "Cookie", session[0]);
        } while (back.status() != 200 && System.nanoTime() < deadline);
        assertEquals(200, back.status(), "with the provider back, the session opens the web console again");
    }

    // --- REST: bundles ------------------------------------------------------------------------------------

    @Test
    void listsBundles() {
        Reply reply = http.get("/api/bundles", bearer());
        assertEquals(200, reply.status());
        assertEquals("application/json", reply.header("Content-Type"));
        JsonNode first = reply.json().get(0);
        assertEquals(0, first.get("id").intValue());
        assertEquals("ACTIVE", first.get("state").textValue());
        boolean consoleActive = false;
        for (JsonNode b : reply.json()) {
            for (String field : new String[] {"id", "symbolicName", "version", "state", "name", "location",
                    "fragment", "lastModified", "startLevel"}) {
                assertTrue(b.has(field), field + " in " + b);
            }
            consoleActive |= "org.veilswarm.console".equals(b.get("symbolicName").textValue())
                    && "ACTIVE".equals(b.get("state").textValue());
        }
        assertTrue(consoleActive);
    }

    @Test
    void bundleLifeCycleThroughTheApi() throws IOException {
        Path jar = TestArchives.bundle(work.resolve("life.jar"), "org.example.life", "1.0.0");
        Reply installed = http.upload("/api/bundles", jar, bearer());
        assertEquals(201, installed.status(), installed.toString());
        long id = installed.json().get("id").longValue();
        assertEquals("/api/bundles/" + id, installed.header("Location"));
        assertEquals("INSTALLED", installed.json().get("state").textValue());
        assertTrue(installed.json().get("location").textValue().startsWith("upload:"));

        Reply duplicate = http.upload("/api/bundles", jar, bearer());
        assertEquals(409, duplicate.status(), duplicate.toString());
        assertTrue(duplicate.json().get("error").textValue().contains("already installed"), duplicate.body());

        assertEquals("ACTIVE", http.post("/api/bundles/" + id + "/start", bearer()).json().get("state").textValue());
        JsonNode detail = http.get("/api/bundles/" + id, bearer()).json();
        assertEquals("Test bundle org.example.life", detail.get("headers").get("Bundle-Name").textValue());
        assertTrue(detail.get("services").isArray());
        assertEquals("RESOLVED", http.post("/api/bundles/" + id + "/stop", bearer()).json().get("state").textValue());

        Reply noArchive = http.post("/api/bundles/" + id + "/update", bearer());
        assertEquals(400, noArchive.status(), noArchive.toString());
        assertTrue(noArchive.json().get("error").textValue().contains("was uploaded"), noArchive.body());

        Path newer = TestArchives.bundle(work.resolve("life2.jar"), "org.example.life", "1.1.0");
        Reply updated = http.upload("/api/bundles/" + id + "/update", newer, bearer());
        assertEquals(200, updated.status(), updated.toString());
        assertEquals("1.1.0", updated.json().get("version").textValue());
        Path other = TestArchives.bundle(work.resolve("other.jar"), "org.example.other", "1.0.0");
        Reply swap = http.upload("/api/bundles/" + id + "/update", other, bearer());
        assertEquals(400, swap.status(), swap.toString());
        assertEquals("1.1.0", felix.context().getBundle(id).getVersion().toString(), "a refused update changed nothing");

        Reply removed = http.delete("/api/bundles/" + id, bearer());
        assertEquals(200, removed.status(), removed.toString());
        assertEquals("UNINSTALLED", removed.json().get("state").textValue());
        assertEquals(404, http.get("/api/bundles/" + id, bearer()).status());
        assertNull(felix.context().getBundle(id));
    }

    @Test
    void installsFromAUrlAndStarts() throws IOException {
        Path jar = TestArchives.bundle(work.resolve("byurl.jar"), "org.example.byurl", "2.0.0");
        Reply reply = http.postJson("/api/bundles", "{\"url\":\"" + jar.toUri() + "\",\"start\":true}", bearer());
        assertEquals(201, reply.status(), reply.toString());
        assertEquals("ACTIVE", reply.json().get("state").textValue());
        assertEquals(jar.toUri().toString(), reply.json().get("location").textValue());
        long id = reply.json().get("id").longValue();
        TestArchives.bundle(jar, "org.example.byurl", "2.0.1");
        Reply reread = http.post("/api/bundles/" + id + "/update", bearer());
        assertEquals(200, reread.status(), reread.toString());
        assertEquals("2.0.1", reread.json().get("version").textValue(), "updated from its own location");
        assertEquals(200, http.delete("/api/bundles/" + id, bearer()).status());
    }

    @Test
    void anUpdateFromTheOwnLocationIsValidatedLikeAnInstall() throws Exception {
        Path jar = TestArchives.bundle(work.resolve("own.jar"), "org.example.own", "1.0.0");
        Reply reply = http.postJson("/api/bundles", "{\"url\":\"" + jar.toUri() + "\"}", bearer());
        assertEquals(201, reply.status(), reply.toString());
        long id = reply.json().get("id").longValue();
        try {
            Files.write(jar, "not a jar at all".getBytes(StandardCharsets.US_ASCII));
            Reply garbage = http.post("/api/bundles/" + id + "/update", bearer());
            assertEquals(400, garbage.status(), garbage.toString());
            assertTrue(garbage.json().get("error").textValue().startsWith("not a jar file"), garbage.body());

            TestArchives.bundle(jar, "org.example.intruder", "9.0.0");
            Reply swap = http.post("/api/bundles/" + id + "/update", bearer());
            assertEquals(400, swap.status(), swap.toString());
            assertTrue(swap.json().get("error").textValue().contains("refusing to replace"), swap.body());
            assertEquals("org.example.own", felix.context().getBundle(id).getSymbolicName());
            assertEquals("1.0.0", felix.context().getBundle(id).getVersion().toString(), "refusals change nothing");
        } finally {
            felix.context().getBundle(id).uninstall();
        }
    }

    @Test
    void anUpdateFromAnUnfetchableLocationIsRefused() throws Exception {
        Path jar = TestArchives.bundle(work.resolve("odd.jar"), "org.example.odd", "1.0.0");
        Bundle odd;
        try (java.io.InputStream in = Files.newInputStream(jar)) {
            odd = felix.context().installBundle("custom:odd", in);
        }
        try {
            Reply reply = http.post("/api/bundles/" + odd.getBundleId() + "/update", bearer());
            assertEquals(400, reply.status(), reply.toString());
            assertTrue(reply.json().get("error").textValue().contains("only file:, http: and https: locations"),
                    reply.body());
        } finally {
            odd.uninstall();
        }
    }

    @Test
    void badUploadsAreRefusedAndInstallNothing() throws IOException {
        int before = bundleCount();
        byte[] noise = new byte[2048];
        new Random(1).nextBytes(noise);
        Reply random = http.upload("/api/bundles", noise, "noise.jar", new String[0], bearer());
        assertEquals(400, random.status());
        assertTrue(random.json().get("error").textValue().startsWith("not a jar file"), random.body());
        Reply plain = http.upload("/api/bundles",
                TestArchives.jar(work.resolve("plain.jar"), Map.of("Main-Class", "x.Y")), bearer());
        assertEquals(400, plain.status());
        assertTrue(plain.json().get("error").textValue().contains("plain jar"), plain.body());
        Reply zip = http.upload("/api/bundles", TestArchives.zipWithoutManifest(work.resolve("x.zip")), bearer());
        assertEquals(400, zip.status());
        assertTrue(zip.json().get("error").textValue().contains("no META-INF/MANIFEST.MF"), zip.body());
        Reply tooBig = http.upload("/api/bundles", new byte[1024 * 1024 + 1], "big.jar", new String[0], bearer());
        assertEquals(413, tooBig.status(), tooBig.toString());
        Reply malformed = http.postJson("/api/bundles", "{\"url\":", bearer());
        assertEquals(400, malformed.status());
        assertTrue(malformed.json().get("error").textValue().startsWith("malformed JSON: "), malformed.body());
        Reply typo = http.postJson("/api/bundles", "{\"url\":\"file:/x.jar\",\"strat\":true}", bearer());
        assertEquals(400, typo.status());
        Reply scheme = http.postJson("/api/bundles", "{\"url\":\"ftp://example/x.jar\"}", bearer());
        assertEquals(400, scheme.status());
        Reply wrongType = http.send("POST", "/api/bundles", java.net.http.HttpRequest.BodyPublishers.ofString("x"),
                HttpSession.concat(bearer(), "Content-Type", "text/plain"));
        assertEquals(415, wrongType.status());
        assertEquals(before, bundleCount(), "nothing was installed");
    }

    @Test
    void unresolvableBundlesExplainThemselvesAndAStartFailureRollsBack() throws IOException {
        Path jar = TestArchives.jar(work.resolve("needy.jar"), Map.of("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", "org.example.needy", "Bundle-Version", "1.0.0",
                "Import-Package", "org.example.missing;version=\"[1,2)\""));
        int before = bundleCount();
        Reply rolledBack = http.upload("/api/bundles", Files.readAllBytes(jar), "needy.jar",
                new String[] {"start", "true"}, bearer());
        assertEquals(422, rolledBack.status(), rolledBack.toString());
        assertTrue(rolledBack.json().get("error").textValue().contains("org.example.missing"), rolledBack.body());
        assertTrue(rolledBack.json().get("error").textValue().contains("uninstalled again"), rolledBack.body());
        assertEquals(before, bundleCount(), "the failed install+start left nothing behind");

        long id = install(jar);
        JsonNode unresolved = http.get("/api/bundles/" + id, bearer()).json().get("unresolved");
        JsonNode missing = unresolved.get("missingRequirements").get(0);
        assertEquals("osgi.wiring.package", missing.get("namespace").textValue());
        assertTrue(missing.get("filter").textValue().contains("org.example.missing"), missing.toString());
        Reply start = http.post("/api/bundles/" + id + "/start", bearer());
        assertEquals(422, start.status());
        assertTrue(start.json().get("error").textValue().contains("org.example.missing"), start.body());
        assertEquals(Bundle.INSTALLED, felix.context().getBundle(id).getState());
        assertEquals(200, http.delete("/api/bundles/" + id, bearer()).status());
    }

    @Test
    void errorsAreJsonWithTheRightStatus() {
        long console = felix.bundle("org.veilswarm.console").getBundleId();
        long jetty = felix.bundle("org.apache.felix.http.jetty12").getBundleId();
        for (String path : new String[] {"/api/bundles/0/stop", "/api/bundles/" + console + "/stop",
                "/api/bundles/" + jetty + "/stop", "/api/bundles/" + console + "/update",
                "/api/bundles/" + jetty + "/update", "/api/bundles/0/update"}) {
            Reply reply = http.post(path, bearer());
            assertEquals(409, reply.status(), path + " " + reply);
            assertTrue(reply.json().get("error").textValue().startsWith("refusing to"), reply.body());
        }
        assertEquals(409, http.delete("/api/bundles/0", bearer()).status());
        assertEquals(409, http.delete("/api/bundles/" + console, bearer()).status());
        assertEquals(Bundle.ACTIVE, felix.bundle("org.veilswarm.console").getState());

        Reply unknown = http.get("/api/bundles/99999", bearer());
        assertEquals(404, unknown.status());
        assertEquals("{\"error\":\"no bundle with id 99999\",\"status\":404}", unknown.body());
        assertEquals(400, http.get("/api/bundles/abc", bearer()).status());
        Reply wrongMethod = http.send("PUT", "/api/bundles", java.net.http.HttpRequest.BodyPublishers.noBody(),
                bearer());
        assertEquals(405, wrongMethod.status());
        assertEquals("GET, POST", wrongMethod.header("Allow"));
        Reply nowhere = http.get("/api/nowhere", bearer());
        assertEquals(404, nowhere.status());
        assertEquals("application/json", nowhere.header("Content-Type"));
    }

    // --- REST: node and components ------------------------------------------------------------------------

    @Test
    void nodeStatus() {
        Reply reply = http.get("/api/node", bearer());
        assertEquals(200, reply.status(), reply.toString());
        JsonNode node = reply.json();
        assertTrue(node.get("address").textValue().endsWith(".onion"), node.toString());
        assertEquals(felix.dataDirectory.toString(), node.get("dataDirectory").textValue());
        assertTrue(node.get("uptime").isIntegralNumber());
        assertTrue(node.get("warnings").isArray());
    }

    @Test
    void componentsShowTheirState() {
        Reply reply = http.get("/api/components", bearer());
        assertEquals(200, reply.status(), reply.toString());
        boolean apiSeen = false;
        for (JsonNode c : reply.json()) {
            if (c.get("name").textValue().equals("org.veilswarm.console.impl.ApiServlet")) {
                apiSeen = true;
                assertEquals("ACTIVE", c.get("state").textValue(), c.toString());
                assertEquals(0, c.get("unsatisfiedReferences").size());
            }
        }
        assertTrue(apiSeen, reply.body());
    }

    // --- the UI --------------------------------------------------------------------------------------------

    @Test
    void rootLeadsToTheUi() {
        String[] session = signIn();
        Reply root = http.get("/", "Cookie", session[0]);
        assertEquals(302, root.status(), root.toString());
        assertEquals("/console/", root.header("Location"));
        Reply bare = http.get("/console", "Cookie", session[0]);
        assertEquals(301, bare.status());
        assertEquals("/console/", bare.header("Location"));
    }

    @Test
    void theBrowserUiRendersUnderItsContentSecurityPolicy() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium),
                "install chromium (apt-get install -y chromium chromium-driver; scripts/test.sh does this)");
        // Chromium signs in through the management link itself (303 + cookie), then runs the ES modules.
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + work.resolve("chromium"), "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=10000", "--dump-dom", "http://127.0.0.1:" + felix.port + "/management/" + token)
                .redirectError(work.resolve("chromium.log").toFile()).start();
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(browser.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String log = Files.readString(work.resolve("chromium.log"));
        assertFalse(log.contains("Refused to"), "no Content-Security-Policy violation:\n" + log);
        String address = http.get("/api/node", bearer()).json().get("address").textValue();
        assertTrue(dom.contains(">" + address + "<"), "the node header shows the onion address:\n" + dom);
        assertTrue(dom.contains("org.veilswarm.console</div>"), "the bundle table lists the console:\n" + dom);
        assertTrue(dom.contains("<span class=\"badge state-active\">ACTIVE</span>"), dom);
    }

    @Test
    void noSecretIsReadableByOthers() throws IOException {
        for (String name : new String[] {"management.token", "console.url"}) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    felix.dataDirectory.resolve(name)));
            assertFalse(mode.substring(3).contains("r"), name + " " + mode);
        }
        assertEquals(token.strip(), token, "the token file holds exactly the token");
        assertEquals(43, token.getBytes(StandardCharsets.US_ASCII).length);
    }

    @Test
    void theSessionCookieIsNamedAfterThePortSoNodesOnOneHostKeepTheirOwn() {
        String[] session = signIn();
        String id = session[0].substring(session[0].indexOf('=') + 1);
        assertEquals(200, http.get("/api/session", "Cookie", "VEILSWARM_SESSION_" + felix.port + "=" + id).status());
        // Another node's console on this host (another port) gets its own cookie; this node ignores that one.
        int otherPort = felix.port == 65535 ? 65534 : felix.port + 1;
        assertEquals(401, http.get("/api/session", "Cookie", "VEILSWARM_SESSION_" + otherPort + "=" + id).status());
        assertEquals(401, http.get("/api/session", "Cookie", "VEILSWARM_SESSION=" + id).status());
        // Both cookies in one request, as a browser holding sessions of two nodes sends them: this node finds its own.
        assertEquals(200, http.get("/api/session", "Cookie", "VEILSWARM_SESSION_" + otherPort + "=unknown; "
                + "VEILSWARM_SESSION_" + felix.port + "=" + id).status());
    }

    @Test
    void withoutTheShareBundleSharesAndDownloadsAre503WithTheReason() {
        for (String path : new String[] {"/api/shares", "/api/downloads", "/api/shares/abc/publish"}) {
            Reply reply = http.get(path, bearer());
            assertEquals(503, reply.status(), reply.toString());
            assertTrue(reply.json().get("error").textValue().contains("org.veilswarm.share"), reply.toString());
        }
        assertEquals(503, http.postJson("/api/downloads", "{\"link\":\"x\",\"dir\":\"/tmp\"}", bearer()).status());
        assertEquals(401, http.get("/api/shares").status(), "the share endpoints need authentication first");
    }

    // --- statistics and logs -------------------------------------------------------------------------------

    @Test
    void statsAreATimeSeriesBoundedByTheConfiguredSampleCount() throws InterruptedException {
        Reply reply = http.get("/api/stats", bearer());
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(1, reply.json().get("sampleSeconds").intValue());
        assertEquals(3, reply.json().get("capacity").intValue());
        // Sampling once a second into 3 slots: wait (without assuming a pace) until the ring has filled.
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode samples = reply.json().get("samples");
        while (samples.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            samples = http.get("/api/stats", bearer()).json().get("samples");
        }
        assertEquals(3, samples.size(), samples.toString());
        long previous = 0;
        for (JsonNode sample : samples) {
            assertTrue(sample.get("time").longValue() >= previous, samples.toString());
            previous = sample.get("time").longValue();
            assertEquals(0, sample.get("bytesRelayed").longValue(), "no transport in this framework relays");
            assertTrue(sample.get("transports").isObject());
            // No share bundle, so no swarm engine: the transfer figures are null (n/a), not zero; nor are circuits.
            assertTrue(sample.get("uploadedBytes").isNull() && sample.get("downloadedBytes").isNull(), sample.toString());
            assertTrue(sample.get("circuits").isNull(), sample.toString());
            assertTrue(sample.get("introductionsAccepted").isNull() && sample.get("introductionsRefused").isNull(),
                    "no onion services: n/a, not zero: " + sample);
        }
        JsonNode unavailable = http.get("/api/stats", bearer()).json().get("unavailable");
        assertTrue(unavailable.get("transfers").textValue().startsWith("no swarm engine runs"), unavailable.toString());
        assertTrue(unavailable.has("circuits"), unavailable.toString());
        assertTrue(unavailable.get("onionServices").textValue().startsWith("no transport reports onion services"),
                unavailable.toString());
        JsonNode services = http.get("/api/stats", bearer()).json().get("onionServices");
        assertTrue(services.isObject() && services.isEmpty(), "no figures rather than zeros: " + services);
        Thread.sleep(1500);
        assertEquals(3, http.get("/api/stats", bearer()).json().get("samples").size(), "the ring stays bounded");
    }

    @Test
    void theDirectoryViewSaysNoSchemeIsInstalledAndRefusesBadParameters() {
        assertEquals(401, http.get("/api/directory").status());
        Reply reply = http.get("/api/directory", bearer());
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(reply.json().get("active").isNull(), reply.toString());
        assertEquals(0, reply.json().get("schemes").size(), reply.toString());
        assertTrue(reply.json().get("activeBecause").textValue().startsWith("no directory scheme is installed"),
                reply.toString());
        Reply badLimit = http.get("/api/directory?limit=9999", bearer());
        assertEquals(400, badLimit.status(), badLimit.toString());
        assertTrue(badLimit.json().get("error").textValue().startsWith("limit must be"), badLimit.toString());
        assertEquals(404, http.get("/api/directory?scheme=nosuch", bearer()).status());
        assertEquals(405, http.post("/api/directory", bearer()).status());
    }

    /**
     * /api/tor without a tor transport, then with a bundle exporting the tor bundle's monitor package and
     * registering an in-memory {@code TorMonitor} (FixedTorMonitor), then after that bundle is stopped: the
     * console follows the service (dynamic import, optional dynamic reference) and never answers 404.
     */
    @Test
    void theTorViewFollowsATorMonitorAsItComesAndGoes() throws Exception {
        assertEquals(401, http.get("/api/tor").status());
        assertEquals(405, http.post("/api/tor", bearer()).status());
        Reply absent = http.get("/api/tor", bearer());
        assertEquals(200, absent.status(), absent.toString());
        assertFalse(absent.json().get("installed").booleanValue(), absent.toString());
        assertTrue(absent.json().get("detail").textValue().startsWith("no tor transport is installed"),
                absent.toString());

        Bundle monitor = felix.context().installBundle(fixedTorMonitorBundle(work.resolve("tor-monitor.jar"))
                .toUri().toString());
        monitor.start();
        JsonNode tor = awaitTor(true);
        assertEquals("READY", tor.get("state").get("phase").textValue(), tor.toString());
        assertEquals(100, tor.get("bootstrap").get("progress").intValue(), tor.toString());
        assertEquals("done", tor.get("bootstrap").get("tag").textValue(), tor.toString());
        JsonNode bandwidth = tor.get("bandwidth");
        assertEquals(5, bandwidth.size(), tor.toString());
        assertEquals(4000, bandwidth.get(4).get("read").longValue(), tor.toString());
        assertEquals(40, bandwidth.get(4).get("written").longValue(), tor.toString());
        assertEquals(1000, bandwidth.get(1).get("time").longValue() - bandwidth.get(0).get("time").longValue());
        JsonNode circuits = tor.get("circuits");
        assertEquals(2, circuits.get("total").intValue(), tor.toString());
        assertEquals("BUILT", circuits.get("items").get(0).get("status").textValue(), tor.toString());
        assertEquals(3, circuits.get("items").get(0).get("pathLength").intValue(), tor.toString());
        assertEquals("HS_SERVICE_INTRO", circuits.get("items").get(1).get("purpose").textValue(), tor.toString());
        JsonNode repeated = tor.get("log").get("items").get(1);
        assertEquals(3, repeated.get("count").intValue(), tor.toString());
        assertEquals("[WARN] Problem bootstrapping. \u00d73", repeated.get("display").textValue(), tor.toString());

        // Stopped, not uninstalled: the console's dynamic import is wired to this bundle's package, so an
        // uninstall would put the console into the next refresh (which other tests' DELETEs trigger) and restart it.
        monitor.stop();
        awaitTor(false);
    }

    /** Polls /api/tor until its "installed" is {@code installed}; fails with the last answer seen. */
    private JsonNode awaitTor(boolean installed) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Reply reply = http.get("/api/tor", bearer());
        while (System.nanoTime() < deadline) {
            reply = http.get("/api/tor", bearer());
            if (reply.status() == 200 && reply.json().get("installed").booleanValue() == installed) {
                return reply.json();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/api/tor never said installed=" + installed + " within 30 s; last: " + reply);
    }

    /**
     * A bundle with the tor bundle's monitor API package (exported, version 1.0.0 as in its package-info) and
     * FixedTorMonitor with its activator: the classes are copied from the test class path.
     */
    private static Path fixedTorMonitorBundle(Path file) throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes main = manifest.getMainAttributes();
        main.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "test.tor.monitor");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Export-Package", "org.veilswarm.transport.tor.monitor;version=1.0.0");
        main.putValue("Import-Package", "org.osgi.framework");
        main.putValue("Bundle-Activator", "org.veilswarm.console.testtor.FixedTorMonitorActivator");
        List<String> classes = List.of("org/veilswarm/transport/tor/monitor/TorMonitor",
                "org/veilswarm/transport/tor/monitor/TorState", "org/veilswarm/transport/tor/monitor/TorState$Phase",
                "org/veilswarm/transport/tor/monitor/BootstrapProgress",
                "org/veilswarm/transport/tor/monitor/BandwidthSample",
                "org/veilswarm/transport/tor/monitor/CircuitInfo", "org/veilswarm/transport/tor/monitor/LogEntry",
                "org/veilswarm/console/testtor/FixedTorMonitor",
                "org/veilswarm/console/testtor/FixedTorMonitorActivator");
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(file),
                manifest)) {
            for (String name : classes) {
                try (java.io.InputStream in = ConsoleHttpTest.class.getClassLoader()
                        .getResourceAsStream(name + ".class")) {
                    assertNotNull(in, name + ".class is not on the test class path");
                    jar.putNextEntry(new java.util.zip.ZipEntry(name + ".class"));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return file;
    }

    @Test
    void statsAndLogsNeedAuthenticationAndRefuseOtherMethods() {
        assertEquals(401, http.get("/api/stats").status());
        assertEquals(401, http.get("/api/logs").status());
        Reply post = http.post("/api/stats", bearer());
        assertEquals(405, post.status());
        assertEquals("GET", post.header("Allow"));
        assertEquals(405, http.delete("/api/logs", bearer()).status());
    }

    @Test
    void logsFoldRepeatedLinesAndFilterByLevel() throws InterruptedException {
        logThroughTheFrameworksLogService(2, "console log test: circuit timed out");
        logThroughTheFrameworksLogService(2, "console log test: circuit timed out");
        logThroughTheFrameworksLogService(2, "console log test: circuit timed out");
        logThroughTheFrameworksLogService(1, "console log test: disk full");
        JsonNode entries = null;
        // Felix Log hands entries to log listeners on its own thread: wait until all four have arrived, not
        // just the first (the fold count may still be 1 or 2 when the first line shows up).
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Reply reply = http.get("/api/logs?level=warn", bearer());
            assertEquals(200, reply.status(), reply.toString());
            assertTrue(reply.json().get("available").booleanValue());
            entries = reply.json().get("entries");
            JsonNode timedOut = find(entries, "console log test: circuit timed out");
            if (timedOut != null && timedOut.get("count").intValue() >= 3
                    && find(entries, "console log test: disk full") != null) {
                break;
            }
            Thread.sleep(100);
        }
        JsonNode folded = find(entries, "console log test: circuit timed out");
        assertNotNull(folded, String.valueOf(entries));
        assertEquals(3, folded.get("count").intValue());
        assertEquals("WARN", folded.get("level").textValue());
        assertNotNull(find(entries, "console log test: disk full"), String.valueOf(entries));
        JsonNode errors = http.get("/api/logs?level=error", bearer()).json().get("entries");
        assertNotNull(find(errors, "console log test: disk full"));
        assertNull(find(errors, "console log test: circuit timed out"), "WARN is below level=error");
        JsonNode all = http.get("/api/logs?level=debug&dedup=false&limit=1000", bearer()).json().get("entries");
        assertEquals(3, countOf(all, "console log test: circuit timed out"));
    }

    @Test
    void logsRejectBadParametersWithAReason() {
        Reply level = http.get("/api/logs?level=loud", bearer());
        assertEquals(400, level.status());
        assertTrue(level.json().get("error").textValue().contains("level must be one of"), level.toString());
        assertEquals(400, http.get("/api/logs?limit=0", bearer()).status());
        assertEquals(400, http.get("/api/logs?limit=1001", bearer()).status());
        assertEquals(400, http.get("/api/logs?limit=ten", bearer()).status());
        assertEquals(400, http.get("/api/logs?dedup=maybe", bearer()).status());
    }

    /**
     * Logs through Felix Log's LogService (level 1 = error, 2 = warning: Log Service 1.4 drops INFO by
     * default, its root logger level being WARN). Reflection because the harness's Felix
     * Log may wire its own copy of the org.osgi.service.log package, not the one on this test's class path.
     */
    private void logThroughTheFrameworksLogService(int level, String message) {
        try {
            org.osgi.framework.ServiceReference<?>[] references = felix.context().getAllServiceReferences(
                    "org.osgi.service.log.LogService", null);
            assertNotNull(references, "Felix Log must be running in the harness");
            Object service = felix.context().getService(references[0]);
            Class<?> api = references[0].getBundle().loadClass("org.osgi.service.log.LogService");
            api.getMethod("log", int.class, String.class).invoke(service, level, message);
            felix.context().ungetService(references[0]);
        } catch (ReflectiveOperationException | org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode find(JsonNode entries, String message) {
        for (JsonNode entry : entries) {
            if (message.equals(entry.get("message").textValue())) {
                return entry;
            }
        }
        return null;
    }

    private static int countOf(JsonNode entries, String message) {
        int n = 0;
        for (JsonNode entry : entries) {
            if (message.equals(entry.get("message").textValue())) {
                n++;
            }
        }
        return n;
    }
}
