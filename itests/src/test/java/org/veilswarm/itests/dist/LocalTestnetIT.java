package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.veilswarm.itests.fixture.OnionEchoProbe;
import org.veilswarm.itests.support.BundleJars;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.CliRun;
import org.veilswarm.itests.support.RunningTestnet;

/**
 * The README's main job with real processes (issue #8 item 5): {@code veilswarm testnet --nodes 8} from the
 * unpacked distribution starts eight node processes on 127.0.0.1 (three directory authorities, every node a
 * relay), waits until every authority serves a consensus signed by a majority that lists every node's relay,
 * and prints each node's console URL. Then a circuit through that network: a test-only bundle
 * ({@link OnionEchoProbe}) installed through node 1's REST API publishes a native onion service, the same
 * bundle on node 2 reaches it by its {@code .onion} address and 4 MiB come back with the same SHA-256. Then
 * {@code veilswarm share FILE --yes} on node 1 prints a link naming node 1's onion address and tracker port (the
 * testnet has no direct transport) and {@code veilswarm get LINK} on node 2 downloads it over native onion
 * services with the same SHA-256. Finally {@code veilswarm testnet stop} ends the
 * supervisor and every node process: none is left.
 */
class LocalTestnetIT {
    private static final int NODES = 8;
    private static final int AUTHORITIES = 3;
    private static final int ECHO_BYTES = 4 * 1024 * 1024;
    private static final int ECHO_PORT = 7777;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(170);
    private static final int SHARE_BYTES = 4 * 1024 * 1024;
    /** The share waits up to onionWaitSeconds (120 s by default) for the tracker's onion service itself. */
    private static final Duration SHARE_TIMEOUT = Duration.ofSeconds(180);
    /** Mirror snapshot, metadata and 4 MiB over 3+3 hops; seconds when idle, generous for a loaded machine. */
    private static final Duration GET_TIMEOUT = Duration.ofSeconds(240);
    private static final Pattern ONION_LINK = Pattern.compile(
            "http://([a-z2-7]{56}\\.onion):(\\d+)/private/[A-Za-z0-9_-]+");

    @AutoClose // the supervisor and, should one outlive it, every node process
    private RunningTestnet testnet;

    @Test
    void anEightNodeTestnetIsReadyCarriesAnOnionStreamAndStopsWithoutLeftovers() throws Exception {
        Path veilswarm = Distribution.home().resolve("bin/veilswarm");
        Path work = Distribution.freshDirectory("testnet");
        // 1. Ready: the supervisor says so (its own check: majority-signed consensus listing every relay) and prints
        // the node table. Another process may take a port between the check and the start: the testnet then refuses
        // with "Ports in use" before starting anything, and another range is tried.
        testnet = RunningTestnet.start(veilswarm, work.resolve("testnet"), NODES, AUTHORITIES, READY_TIMEOUT, Map.of());
        long readyMillis = testnet.readyMillis();
        String readyLine = testnet.readyLine();
        assertEquals(AUTHORITIES, testnet.nodes().stream().filter(RunningTestnet.Node::authority).count(),
                testnet.output());
        assertTrue(testnet.outputLines().stream().anyMatch(l -> l.matches("\\[\\s*\\d+ s\\] consoles \\d+/8, .*")),
                "no progress line while waiting:\n" + testnet.output());
        List<Long> pids = new ArrayList<>();
        Map<String, Long> rss = new LinkedHashMap<>();
        for (RunningTestnet.Node node : testnet.nodes()) {
            long pid = node.pid();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), node.name() + " is not running");
            pids.add(pid);
            rss.put(node.name(), RunningTestnet.rssKiB(pid));
        }
        RunningTestnet.Node one = testnet.node(1);
        RunningTestnet.Node two = testnet.node(2);

        // 2. A circuit through the network: an onion service on node 1, reached from node 2 by its address.
        Path probe = probeBundle(work);
        Path serveDir = probeDirectory(one, "mode=serve\nport=" + ECHO_PORT + "\n");
        install(one, probe);
        String listening = awaitFile(serveDir.resolve("listening"), "node 1's onion service to be published");
        assertTrue(listening.matches("[a-z2-7]{56}\\.onion:" + ECHO_PORT), "node 1's probe: " + listening);
        long fetchStarted = System.nanoTime();
        Path fetchDir = probeDirectory(two, "mode=fetch\ntarget=" + listening + "\nbytes=" + ECHO_BYTES + "\n");
        install(two, probe);
        String result = awaitFile(fetchDir.resolve("result"), "node 2 to reach node 1's onion service");
        long fetchMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fetchStarted);
        String[] parts = result.split(" ");
        assertEquals("ok", parts[0], "node 2's probe: " + result + "\n" + two.logTail(40));
        assertEquals(parts[1], parts[2], "SHA-256 of the bytes sent and of the echo received");
        assertEquals(Integer.toString(ECHO_BYTES), parts[3]);

        // 3. Issue #8's core: a file shared on node 1 gets a link naming node 1's onion address and its tracker
        // port (the testnet has no direct transport, so the tracker publishes its onion service once the
        // directory is ready), and node 2 downloads it by that link over native onion services.
        Path original = work.resolve("shared/testnet-share.bin");
        Files.createDirectories(original.getParent());
        byte[] bytes = new byte[SHARE_BYTES];
        new java.util.Random(8).nextBytes(bytes);
        Files.write(original, bytes);
        long shareStarted = System.nanoTime();
        CliRun share = cli(SHARE_TIMEOUT, veilswarm, "share", original.toString(), "--yes", "--data",
                one.directory().toString());
        long shareMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - shareStarted);
        assertEquals(0, share.exit(), share.output() + "\n--- node-1 log ---\n" + one.logTail(40));
        String link = share.output().strip().lines().reduce((x, y) -> y).orElse("");
        Matcher onionLink = ONION_LINK.matcher(link);
        assertTrue(onionLink.matches(), "the last line of veilswarm share is no onion link:\n" + share.output());
        assertEquals(one.address(), onionLink.group(1), "the link names node 1's onion address");
        assertEquals(testnet.basePort() + 1, Integer.parseInt(onionLink.group(2)), "the link names node 1's tracker port");

        Path downloads = work.resolve("downloaded");
        Files.createDirectories(downloads);
        long getStarted = System.nanoTime();
        CliRun get = cli(GET_TIMEOUT, veilswarm, "get", link, "--dir", downloads.toString(), "--data",
                two.directory().toString());
        long getMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - getStarted);
        assertEquals(0, get.exit(), get.output() + "\n--- node-2 log ---\n" + two.logTail(40)
                + "\n--- node-1 log ---\n" + one.logTail(40));
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        assertArrayEquals(sha.digest(bytes), sha.digest(Files.readAllBytes(downloads.resolve(original.getFileName()))),
                "SHA-256 of the file node 2 downloaded by the link");

        // 4. Stop: the supervisor and every node end, nothing of the testnet is left running.
        CliRun stop = cli(veilswarm, "testnet", "stop", "--dir", testnet.directory().toString());
        assertEquals(0, stop.exit(), stop.output());
        // Once the supervisor has ended, its output is complete when the reader reached its end.
        assertTrue(testnet.awaitSupervisorExit(Duration.ofSeconds(60)), "the supervisor still runs after testnet stop");
        for (long pid : pids) {
            testnet.await("node process " + pid + " to end", Duration.ofSeconds(60),
                    () -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty() ? Optional.of("gone")
                            : Optional.empty(), false);
        }
        assertTrue(testnet.processes().isEmpty(), "processes of the testnet left: " + testnet.processes());
        testnet.await("the supervisor's last words", Duration.ofSeconds(10), () -> testnet.outputLines().stream()
                .filter(l -> l.equals("Testnet stopped: no node process left.")).findFirst(), false);

        System.out.printf("LocalTestnetIT figures: %d nodes (%d authorities) ready in %d ms from the command"
                + " (supervisor: %s); RSS per node at ready (KiB): %s; onion service published and %d bytes echoed node 2 -> node 1 in"
                + " %d ms (connect included)%n", NODES, AUTHORITIES, readyMillis, readyLine, rss, ECHO_BYTES,
                Long.parseLong(parts[4]), fetchMillis);
        System.out.printf(java.util.Locale.ROOT, "LocalTestnetIT share figures: veilswarm share of %d MiB on node 1"
                + " to an onion link in %.1f s (CLI start to exit: hashing + waiting for the tracker's onion service);"
                + " veilswarm get on node 2 by the link in %.1f s (%.2f MiB/s, CLI start to exit)%n",
                SHARE_BYTES >> 20, shareMillis / 1e3, getMillis / 1e3, (SHARE_BYTES / 1048576.0) / (getMillis / 1e3));
    }

    /** The probe's directory in a node's data directory, with its instructions written. */
    private static Path probeDirectory(RunningTestnet.Node node, String properties) throws IOException {
        Path dir = node.directory().resolve("echo-probe");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("probe.properties"), properties, StandardCharsets.UTF_8);
        return dir;
    }

    /** {@link OnionEchoProbe} and its nested classes as a bundle importing only API, crypto, Netty and OSGi. */
    private static Path probeBundle(Path work) throws Exception {
        Path classes = Path.of(OnionEchoProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packagePath = OnionEchoProbe.class.getPackageName().replace('.', '/');
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(classes.resolve(packagePath))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(
                    OnionEchoProbe.class.getSimpleName())).toList()) {
                entries.put(packagePath + "/" + f.getFileName(), Files.readAllBytes(f));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Bundle-Activator", OnionEchoProbe.class.getName());
        headers.put("Import-Package", String.join(",", "org.osgi.framework", "org.osgi.util.tracker",
                "org.veilswarm.api.node", "org.veilswarm.api.transport", "org.veilswarm.crypto", "io.netty.buffer",
                "io.netty.channel"));
        return BundleJars.write(work, "onion-echo-probe.jar",
                BundleJars.bundle("org.veilswarm.itests.onion-echo-probe", "1.0.0", headers, entries));
    }

    /** Installs and starts {@code jar} on {@code node} (REST, Bearer token). */
    private static void install(RunningTestnet.Node node, Path jar) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.consolePort() + "/api/bundles"))
                .header("Authorization", "Bearer " + node.token()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + jar.toUri() + "\",\"start\":true}")).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, "installing the probe: " + response.statusCode() + " "
                + response.body());
    }

    private String awaitFile(Path file, String what) throws InterruptedException {
        return testnet.await(what + " (" + file + ")", PROBE_TIMEOUT, () -> {
            try {
                return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static CliRun cli(Path veilswarm, String... args) throws IOException, InterruptedException {
        return cli(Duration.ofSeconds(120), veilswarm, args);
    }

    private static CliRun cli(Duration timeout, Path veilswarm, String... args) throws IOException, InterruptedException {
        return CliRun.run(timeout, veilswarm, args);
    }
}
