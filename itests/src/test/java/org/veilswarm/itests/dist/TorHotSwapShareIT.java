package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.veilswarm.itests.support.CliRun;
import org.veilswarm.itests.support.PrivateTorBed;
import org.veilswarm.itests.support.TorNetworkNode;

/**
 * Issue 9's hot swap with real processes, in a private C tor network on 127.0.0.1 (tor module test fixture, as
 * {@link TorShareLinkIT}): node A runs with the direct transport only and shares a file ({@code veilswarm share
 * FILE --yes} prints a direct link); then the transport-tor feature's bundles are installed into the running A
 * over its console ({@code POST /api/bundles}), its tor configured for the private network beforehand (seeded
 * Configuration Admin store), so no tor ever starts with the defaults. The share's link ({@code GET /api/shares})
 * then names A's onion address, and node B, which has the tor transport only, downloads the file by that link
 * ({@code veilswarm get}), started as soon as the link names the onion address: equal SHA-256. This needs A to
 * announce itself at its tracker's onion endpoint too (the share bundle follows its tracker's endpoints), which
 * lands seconds later: B cannot reach the direct peer address A announced first, and waits for the onion one.
 * Then the tor bundle is uninstalled ({@code DELETE /api/bundles/{id}}): A's tor process is gone and A goes on on
 * the direct transport ({@code veilswarm status} answers, the link names the direct endpoint again).
 */
class TorHotSwapShareIT {
    private static final Pattern DIRECT_LINK = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/private/([A-Za-z0-9_-]+)");
    private static final Pattern FEATURE_BUNDLE = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"start-order\"");
    private static final Pattern BUNDLE_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final int FILE_BYTES = 2 * 1024 * 1024;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration TOR_READY_TIMEOUT = Duration.ofSeconds(240);

    @AutoClose
    private PrivateTorBed bed;

    @Test
    void theTorTransportInstalledIntoARunningNodeMakesItsShareDownloadableOverTorAndLeavesWithItsTor()
            throws Exception {
        bed = PrivateTorBed.prepare("tor-hotswap");
        Path home = bed.home();
        Path work = bed.work();
        Path file = work.resolve("notes.bin");
        byte[] bytes = bed.writeRandomFile("notes.bin", FILE_BYTES, 19);

        long t0 = System.nanoTime();
        bed.startNetwork();
        // Node A's store is seeded with the tor transport's configuration for the private network too, though its tor
        // bundle comes later: the configuration waits in the store, so the tor it launches never uses the defaults.
        TorNetworkNode a = bed.start("node-a", "core,console,tracker,share,transport-direct");
        TorNetworkNode b = bed.start("node-b", "core,console,tracker,share,transport-tor");
        String consoleA = a.awaitConsole(START_TIMEOUT);
        b.awaitConsole(START_TIMEOUT);
        assertTrue(a.tors().isEmpty(), "node A runs no tor before the tor transport is installed");

        CliRun share = bed.cli("share", file.toString(), "--yes", "--data", a.data().toString());
        assertEquals(0, share.exit(), share.output() + "\n--- node A ---\n" + a.log());
        String directLink = share.output().strip().lines().reduce((x, y) -> y).orElse("");
        Matcher direct = DIRECT_LINK.matcher(directLink);
        assertTrue(direct.matches(), "without tor the link names the direct transport:\n" + share.output());
        String token = direct.group(2);

        // The transport-tor feature's bundles, in start order, except those A already runs (netty-codec-http).
        long installStart = System.nanoTime();
        List<String> running = symbolicNames(consoleA);
        long torBundle = -1;
        for (Path jar : featureJars(home, "transport-tor")) {
            String name = symbolicName(jar);
            if (running.contains(name)) {
                continue;
            }
            long id = install(consoleA, jar);
            if (name.equals("org.veilswarm.tor")) {
                torBundle = id;
            }
        }
        assertTrue(torBundle >= 0, "the transport-tor feature holds the tor bundle");
        a.awaitLine(TorNetworkNode.TRACKER_ON_TOR, TOR_READY_TIMEOUT);
        String onionLink = await("the share's link to name A's onion address", TOR_READY_TIMEOUT,
                () -> privateLink(consoleA, token).filter(l -> l.contains(".onion")));
        long onionMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - installStart);
        assertTrue(onionLink.startsWith("http://" + a.address() + ":" + a.trackerPort() + "/private/" + token),
                "the link names A's own onion address and tracker port, same token: " + onionLink);
        assertEquals(1, a.tors().size(), "A owns one tor now");
        // B's get starts right away: A announces itself at its tracker's new onion endpoint over tor (a circuit to
        // its own service) only seconds later, and until then its tracker lists A at its IP alone, which tor-only B
        // cannot dial. The downloader waits for a peer it can reach (issue #9's early get) instead of failing.
        Path target = work.resolve("downloads");
        long getStart = System.nanoTime();
        CliRun get = bed.cli("get", onionLink, "--dir", target.toString(), "--data", b.data().toString());
        long getMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - getStart);
        assertEquals(0, get.exit(), get.output() + "\n--- node A ---\n" + a.log() + "\n--- node B ---\n" + b.log());
        assertEquals(TorNetworkNode.sha256(bytes), TorNetworkNode.sha256(Files.readAllBytes(target.resolve("notes.bin"))),
                get.output());

        List<ProcessHandle> torsOfA = a.tors();
        HttpResponse<String> removed = request(consoleA, "DELETE", "/api/bundles/" + torBundle, null);
        assertTrue(removed.statusCode() / 100 == 2, "uninstalling the tor bundle: " + removed.statusCode() + " "
                + removed.body());
        for (ProcessHandle t : torsOfA) {
            await("A's tor " + t.pid() + " to stop", Duration.ofSeconds(60),
                    () -> t.isAlive() ? Optional.empty() : Optional.of(true));
        }
        assertTrue(a.tors().isEmpty(), "no tor left for A: " + a.tors());
        await("the link to name the direct endpoint again", Duration.ofSeconds(60),
                () -> privateLink(consoleA, token).filter(l -> l.equals(directLink)));
        // The uninstall refreshes the bundles wired to the tor bundle, and the console is one of them once its Tor
        // view has read the tor monitor (a dynamic import): the console restarts, and console.url is missing until
        // its port answers again. The node itself runs on; `status` is asked until the console is back.
        CliRun[] last = new CliRun[1];
        try {
            await("veilswarm status to answer after the uninstall", Duration.ofSeconds(60), () -> {
                try {
                    last[0] = bed.cli("status", "--data", a.data().toString());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return last[0].exit() == 0 ? Optional.of(true) : Optional.empty();
            });
        } catch (AssertionError e) {
            throw new AssertionError("A runs on after the uninstall:\n" + last[0].output() + "\n--- node A ---\n"
                    + a.log(), e);
        }
        assertTrue(a.process().isAlive(), "node A is still running");
        System.out.printf(Locale.ROOT, "TOR-HOTSWAP install to onion link %.1f s; veilswarm get of %d MiB %.1f s;"
                + " whole test %.1f s%n", onionMillis / 1e3, FILE_BYTES >> 20, getMillis / 1e3,
                (System.nanoTime() - t0) / 1e9);
    }

    /** The jars of a feature's bundles, in the feature file's order (its start order), from the distribution. */
    private static List<Path> featureJars(Path home, String feature) throws IOException {
        String json = Files.readString(home.resolve("features/" + feature + ".json"));
        List<Path> jars = new ArrayList<>();
        Matcher m = FEATURE_BUNDLE.matcher(json);
        while (m.find()) {
            String[] gav = m.group(1).split(":");
            Path jar = home.resolve("bundles").resolve(gav[0].replace('.', '/')).resolve(gav[1]).resolve(gav[2])
                    .resolve(gav[1] + "-" + gav[2] + ".jar");
            assertTrue(Files.isRegularFile(jar), "the distribution holds " + jar);
            jars.add(jar);
        }
        assertTrue(!jars.isEmpty(), "no bundles in feature " + feature + ":\n" + json);
        return jars;
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].strip();
        }
    }

    private static List<String> symbolicNames(String console) throws IOException, InterruptedException {
        HttpResponse<String> r = request(console, "GET", "/api/bundles", null);
        assertEquals(200, r.statusCode(), r.body());
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"symbolicName\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static long install(String console, Path jar) throws IOException, InterruptedException {
        HttpResponse<String> r = request(console, "POST", "/api/bundles",
                "{\"url\":\"" + jar.toUri() + "\",\"start\":true}");
        assertTrue(r.statusCode() / 100 == 2, "installing " + jar.getFileName() + ": " + r.statusCode() + " " + r.body());
        Matcher id = BUNDLE_ID.matcher(r.body());
        assertTrue(id.find(), "no bundle id in " + r.body());
        return Long.parseLong(id.group(1));
    }

    /** The share's private link as the console reports it, if the share with that token is listed. */
    private static Optional<String> privateLink(String console, String token) {
        try {
            HttpResponse<String> r = request(console, "GET", "/api/shares", null);
            Matcher m = Pattern.compile("\"privateLink\"\\s*:\\s*\"([^\"]*/private/" + Pattern.quote(token) + ")\"")
                    .matcher(r.body());
            return r.statusCode() == 200 && m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A console REST call with the management token as Bearer credentials. */
    private static HttpResponse<String> request(String consoleUrl, String method, String path, String json)
            throws IOException, InterruptedException {
        URI management = URI.create(consoleUrl);
        String token = management.getPath().substring("/management/".length());
        HttpRequest.Builder b = HttpRequest.newBuilder(management.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(200);
        }
        return fail("waited " + timeout.toSeconds() + " s for " + what);
    }
}
