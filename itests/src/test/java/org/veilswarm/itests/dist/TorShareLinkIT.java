package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.transport.tor.testing.PrivateTorNetwork;
import org.veilswarm.transport.onion.internal.NativeOnionServiceTransfer;
import org.veilswarm.transport.tor.testing.RealTor;
import org.veilswarm.itests.support.CliRun;

/**
 * Issue 9's end-to-end proof with real processes: a private C tor network on 127.0.0.1 (3 authorities and 7
 * non-exit relays from the Debian {@code tor} package, REFERENCE.md §4) and two nodes from the unpacked
 * distribution ({@code bin/veilswarm run}) with the features core, console, tracker, share and
 * <em>transport-tor</em> and no direct transport. Each node launches and owns its client tor, configured before
 * the node starts (its Configuration Admin store holds {@code org.veilswarm.transport.tor} with the network's
 * {@code DirAuthority} lines), so no tor ever starts with the defaults. {@code veilswarm share FILE --yes} on A prints
 * {@code http://<A's onion address>:<tracker port>/private/<token>} — the address the node prints at start, i.e.
 * the one derived from its Ed25519 identity that the native onion transport publishes too;
 * {@code veilswarm get LINK} on B fetches it over onion services through B's tor; the SHA-256 matches. Stopping
 * the nodes stops their tors. Then, in the same run, the native onion transport publishes a service under node
 * A's identity key in this JVM ({@link NativeOnionServiceTransfer}: it needs a directory, which a distribution
 * node does not have yet): its address is the one in the link, and the same bytes go over it. Prints the figures of docs/performance.md ("Share download over the tor transport": TOR-SHARE
 * lines).
 */
class TorShareLinkIT {
    private static final Pattern CONSOLE_LINE = Pattern.compile("Console: http://127\\.0\\.0\\.1:\\d+/management/\\S+\\s*");
    private static final Pattern NODE_LINE = Pattern.compile("Veilswarm node ([a-z2-7]{56}\\.onion) running\\s*");
    private static final Pattern ONION_LINK = Pattern.compile("http://([a-z2-7]{56}\\.onion):(\\d+)/private/[A-Za-z0-9_-]+");
    /** A stack trace line, an uncaught exception, or a log record at error level (slf4j-simple, JUL). */
    private static final Pattern PROBLEM_LINE = Pattern.compile(
            "^\\s+at [\\w.$/]+\\(|^Caused by: |Exception in thread |\\bERROR\\b|\\bSEVERE\\b");
    private static final int FILE_BYTES = 8 * 1024 * 1024;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TOR_READY_TIMEOUT = Duration.ofSeconds(300);
    private static final String TRACKER_ON_TOR = "tracker: serving on tor at ";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(240);

    private final List<RunningNode> nodes = new ArrayList<>();
    private PrivateTorNetwork network;

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (RunningNode n : nodes) {
            if (n.process.isAlive()) {
                n.process.destroyForcibly();
                n.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void aFileSharedOnOneNodeIsDownloadedOnAnotherByItsOnionLinkThroughTor() throws Exception {
        Path tor = RealTor.executable(); // fails with the install hint when the Debian package is missing
        Path home = Distribution.home();
        Path veilswarm = home.resolve("bin/veilswarm");
        Path work = Distribution.freshDirectory("tor-share");
        Path file = work.resolve("footage.bin");
        byte[] bytes = new byte[FILE_BYTES];
        new Random(9).nextBytes(bytes);
        Files.write(file, bytes);

        long t0 = System.nanoTime();
        network = PrivateTorNetwork.start(work.resolve("net"), 3, 7, Duration.ofSeconds(150));
        long networkReady = System.nanoTime();

        RunningNode a = start(veilswarm, work, "node-a", tor);
        RunningNode b = start(veilswarm, work, "node-b", tor);
        awaitConsole(a);
        awaitConsole(b);
        // Each node's tor bootstraps in the private network before the tracker is published on it (20-40 s here, far
        // more on a loaded machine): wait for that rather than for the share command's own, shorter patience.
        awaitLine(a, TRACKER_ON_TOR, TOR_READY_TIMEOUT);
        awaitLine(b, TRACKER_ON_TOR, TOR_READY_TIMEOUT);

        long shareStart = System.nanoTime();
        CliRun share = cli(veilswarm, "share", file.toString(), "--yes", "--data", a.data.toString());
        long shareMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - shareStart);
        assertEquals(0, share.exit(), share.output() + "\n--- node A ---\n" + a.log());
        String link = share.output().strip().lines().reduce((x, y) -> y).orElse("");
        Matcher onion = ONION_LINK.matcher(link);
        assertTrue(onion.matches(), "the last line of veilswarm share is no onion link:\n" + share.output());
        assertEquals(a.address(), onion.group(1), "the link names node A's own onion address (its identity key)");
        assertEquals(a.trackerPort, Integer.parseInt(onion.group(2)), "the link names A's tracker port");

        Path target = work.resolve("downloads");
        long getStart = System.nanoTime();
        CliRun get = cli(veilswarm, "get", link, "--dir", target.toString(), "--data", b.data.toString());
        long getMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - getStart);
        assertEquals(0, get.exit(), get.output() + "\n--- node A ---\n" + a.log() + "\n--- node B ---\n" + b.log());
        assertEquals(sha256(bytes), sha256(Files.readAllBytes(target.resolve("footage.bin"))), get.output());

        List<ProcessHandle> tors = new ArrayList<>();
        for (RunningNode n : nodes) {
            tors.addAll(torsOf(n));
        }
        assertEquals(2, tors.size(), "each node owns one tor: " + tors);
        for (RunningNode n : nodes) {
            n.process.destroy(); // SIGTERM
            assertTrue(n.process.waitFor(60, TimeUnit.SECONDS), "a node did not stop within 60 s:\n" + n.log());
            List<String> problems = n.output.stream().filter(l -> PROBLEM_LINE.matcher(l).find()).toList();
            assertTrue(problems.isEmpty(), "node " + n.data + " logged errors:\n" + String.join("\n", problems)
                    + "\n--- whole output ---\n" + n.log());
        }
        for (ProcessHandle t : tors) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t.isAlive() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertTrue(!t.isAlive(), "the owned tor " + t.pid() + " outlived its node");
        }
        System.out.printf(Locale.ROOT, "TOR-SHARE private network (3 authorities + 7 relays) %.1f s; veilswarm share"
                + " (hashing + waiting for the onion service) %.1f s; veilswarm get of %d MiB over the tor transport %.1f s"
                + " (CLI start to exit: snapshot, announce, BEP 9 metadata, pieces) = %.2f MiB/s%n",
                (networkReady - t0) / 1e9, shareMillis / 1e3, FILE_BYTES >> 20, getMillis / 1e3,
                (FILE_BYTES / 1048576.0) / (getMillis / 1e3));

        // The native onion transport in the same run: it cannot run in a distribution node yet (no directory there),
        // so it publishes a service under node A's own identity key in this JVM (7 relaying engines) — at the address
        // the link names — and the same bytes go over it (figures for docs/performance.md).
        byte[] seed = Files.readAllBytes(a.data.resolve("keys/identity.ed25519"));
        NativeOnionServiceTransfer.Result nativeRun = NativeOnionServiceTransfer.run(bytes, Ed25519.keyPairFromSeed(seed));
        assertEquals(onion.group(1), nativeRun.published().host(),
                "the native onion transport publishes node A's key at the address tor published and the link names");
        assertEquals(sha256(bytes), HexFormat.of().formatHex(nativeRun.sha256()), "the native onion transfer is intact");
        System.out.printf(Locale.ROOT, "TOR-SHARE native onion services in this JVM (7 engines on 127.0.0.1): publish"
                + " %.2f s, connect %.2f s, %d MiB service-to-client stream %.2f s = %.2f MiB/s; whole test %.1f s%n",
                nativeRun.publishSeconds(), nativeRun.connectSeconds(), FILE_BYTES >> 20, nativeRun.transferSeconds(),
                (FILE_BYTES / 1048576.0) / nativeRun.transferSeconds(), (System.nanoTime() - t0) / 1e9);
    }

    /** The tor processes whose command line names the node's data directory (its owned tor's torrc is there). */
    private static List<ProcessHandle> torsOf(RunningNode n) {
        String dir = n.data.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/tor")).orElse(false))
                .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(dir)).orElse(false))
                .toList();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A string in Felix's typed configuration format (Configuration Admin's file store, FileInstall {@code .config}):
     * quoted, with {@code \}, {@code "}, {@code =} and space escaped by a backslash, as its writer does (an unescaped
     * {@code =} ends the value and the whole file is dropped).
     */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("=", "\\=").replace(" ", "\\ ") + '"';
    }

    private static CliRun cli(Path veilswarm, String... args) throws IOException, InterruptedException {
        return CliRun.run(COMMAND_TIMEOUT, veilswarm, args);
    }

    private static final class RunningNode {
        final Path data;
        final int trackerPort;
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();

        RunningNode(Path data, int trackerPort, Process process) {
            this.data = data;
            this.trackerPort = trackerPort;
            this.process = process;
        }

        String address() {
            return output.stream().map(NODE_LINE::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                    .orElseThrow(() -> new AssertionError("the node printed no address:\n" + log()));
        }

        String log() {
            return String.join("\n", output);
        }
    }

    /**
     * {@code veilswarm run} with its own data directory and free console/tracker/swarm ports, its Configuration Admin
     * store seeded with the tor transport's configuration for the private network. Seeded, not dropped into the
     * deploy directory: FileInstall applies a file a moment after the bundles started, so the tor transport would
     * first launch a tor with the defaults, which reaches for the public Tor network (tests talk to 127.0.0.1 only).
     */
    private RunningNode start(Path veilswarm, Path work, String name, Path tor) throws IOException {
        Path data = work.resolve(name);
        // Felix Configuration Admin's file store (felix.cm.dir = <data>/config): one file per PID, its dots made
        // directories, in Felix's typed configuration format; read when Configuration Admin starts, before the
        // tor bundle (start level 12) does.
        Path store = data.resolve("config/org/veilswarm/transport");
        // Owner-only, as the launcher wants its data directory (it would warn about, and tighten, anything wider).
        Files.createDirectories(store, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        List<String> lines = new ArrayList<>(network.clientTorrcLines());
        StringBuilder config = new StringBuilder();
        config.append("service.pid=\"org.veilswarm.transport.tor\"\n");
        config.append("mode=\"owned\"\n");
        config.append("torExecutable=").append(quoted(tor.toString())).append('\n');
        config.append("bootstrapTimeoutSeconds=I\"150\"\n");
        config.append("connectTimeoutSeconds=I\"60\"\n");
        config.append("extraTorrcLines=[");
        for (int i = 0; i < lines.size(); i++) {
            config.append(i == 0 ? "" : ",").append(quoted(lines.get(i)));
        }
        config.append("]\n");
        Files.writeString(store.resolve("tor.config"), config);

        int console = Ports.freeLoopbackPort();
        int tracker = Ports.freeLoopbackPort();
        int swarm = Ports.freeLoopbackPort();
        Process p = new ProcessBuilder(veilswarm.toString(), "run", "--data", data.toString(), "--port",
                Integer.toString(console), "--tracker-port", Integer.toString(tracker), "--swarm-port",
                Integer.toString(swarm), "--features", "core,console,tracker,share,transport-tor")
                .redirectErrorStream(true).start();
        RunningNode node = new RunningNode(data, tracker, p);
        nodes.add(node);
        Path logFile = work.resolve(name + ".log");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter copy = new PrintWriter(Files.newBufferedWriter(logFile), true)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    copy.println(line);
                    node.output.add(line);
                }
            } catch (IOException e) {
                node.output.add("(reading the node's output failed: " + e + ")");
            }
        }, "veilswarm-node-output");
        reader.setDaemon(true);
        reader.start();
        return node;
    }

    private static void awaitLine(RunningNode node, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (node.output.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!node.process.isAlive()) {
                fail("node " + node.data + " exited with " + node.process.exitValue() + ":\n" + node.log());
            }
            Thread.sleep(200);
        }
        fail("node " + node.data + " logged no '" + text + "' within " + timeout.toSeconds() + " s (its tor did not"
                + " bootstrap or publish?):\n" + node.log());
    }

    private static void awaitConsole(RunningNode node) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = node.output.stream().filter(l -> CONSOLE_LINE.matcher(l).matches()).findFirst();
            if (line.isPresent()) {
                return;
            }
            if (!node.process.isAlive()) {
                fail("veilswarm run exited with " + node.process.exitValue() + " before printing its console URL:\n"
                        + node.log());
            }
            Thread.sleep(200);
        }
        fail("node " + node.data + " printed no console URL within " + START_TIMEOUT.toSeconds() + " s:\n" + node.log());
    }
}
