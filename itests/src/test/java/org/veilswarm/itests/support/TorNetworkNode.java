package org.veilswarm.itests.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.veilswarm.transport.tor.testing.PrivateTorNetwork;

/**
 * A distribution node ({@code bin/veilswarm run}) with its own data directory and free console, tracker and swarm
 * ports, for the ITs on a private C tor network on 127.0.0.1 ({@link PrivateTorNetwork}). When a network is given,
 * the node's Configuration Admin store is seeded with the tor transport's configuration for it before the node
 * starts (see {@link #seedTorConfiguration}), so no tor of the node ever runs with the defaults, which reach for the
 * public Tor network. Its output is kept in memory (for waiting on lines) and copied to {@code <work>/<name>.log}.
 */
public final class TorNetworkNode implements AutoCloseable {
    public static final Pattern CONSOLE_LINE = Pattern.compile(
            "Console: (http://127\\.0\\.0\\.1:\\d+/management/\\S+)\\s*");
    private static final Pattern NODE_LINE = Pattern.compile("Veilswarm node ([a-z2-7]{56}\\.onion) running\\s*");
    /** A stack trace line, an uncaught exception, or a log record at error level (Felix, java.util.logging). */
    private static final Pattern PROBLEM_LINE = Pattern.compile(
            "^\\s+at [\\w.$/]+\\(|^Caused by: |Exception in thread |\\bERROR\\b|\\bSEVERE\\b");
    /** The line the tracker logs once it is published on the tor transport (the node's tor has bootstrapped). */
    public static final String TRACKER_ON_TOR = "tracker: serving on tor at ";

    private final String name;
    private final Path data;
    private final int trackerPort;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private TorNetworkNode(String name, Path data, int trackerPort, Process process) {
        this.name = name;
        this.data = data;
        this.trackerPort = trackerPort;
        this.process = process;
    }

    /**
     * Starts {@code veilswarm run --data <work>/<name> --features <features>} with free ports and
     * {@code extraArguments} (e.g. {@code --config FILE}); with a {@code network}, the tor transport's configuration
     * for it is seeded first.
     */
    public static TorNetworkNode start(Path veilswarm, Path work, String name, String features,
            PrivateTorNetwork network, Path tor, String... extraArguments) throws IOException {
        Path data = work.resolve(name);
        if (network != null) {
            seedTorConfiguration(data, network, tor);
        }
        int console = Ports.freeLoopbackPort();
        int tracker = Ports.freeLoopbackPort();
        int swarm = Ports.freeLoopbackPort();
        List<String> command = new ArrayList<>(List.of(veilswarm.toString(), "run", "--data", data.toString(),
                "--port", Integer.toString(console), "--tracker-port", Integer.toString(tracker), "--swarm-port",
                Integer.toString(swarm), "--features", features));
        command.addAll(List.of(extraArguments));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        TorNetworkNode node = new TorNetworkNode(name, data, tracker, p);
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
        }, "veilswarm-node-output-" + name);
        reader.setDaemon(true);
        reader.start();
        return node;
    }

    /**
     * Writes the tor transport's configuration (owned tor at {@code tor}, the network's client torrc lines) into
     * Felix Configuration Admin's file store ({@code felix.cm.dir = <data>/config}: one file per PID, its dots made
     * directories, Felix's typed configuration format), which Configuration Admin reads when it starts, before the
     * tor bundle does. Seeded rather than dropped into {@code deploy/}: a node applies a deployed file only after
     * FileInstall's first scan (the tor transport waits for such a file, see docs/transports/tor.md).
     */
    public static void seedTorConfiguration(Path data, PrivateTorNetwork network, Path tor) throws IOException {
        Path store = data.resolve("config/org/veilswarm/transport");
        // Owner-only, as the launcher wants its data directory (it would warn about, and tighten, anything wider).
        Files.createDirectories(store, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(store.resolve("tor.config"), torConfiguration(network, tor));
    }

    /**
     * Drops the tor transport's configuration into {@code <data>/deploy}, for a node started with
     * {@code --deploy <data>/deploy} (the default deploy directory is the distribution's {@code deploy/}), as an
     * operator would: FileInstall applies it a moment after the bundles started; the tor transport waits for it
     * rather than launching a tor with the defaults meanwhile. Returns the deploy directory.
     */
    public static Path deployTorConfiguration(Path data, PrivateTorNetwork network, Path tor) throws IOException {
        Path deploy = data.resolve("deploy");
        Files.createDirectories(deploy, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String config = torConfiguration(network, tor);
        // FileInstall names the PID after the file; the store's own service.pid line is not an operator's.
        Files.writeString(deploy.resolve("org.veilswarm.transport.tor.config"),
                config.substring(config.indexOf('\n') + 1));
        return deploy;
    }

    /** The number of tors the node's tor transport launched (its log line for each). */
    public long torLaunches() {
        return output.stream().filter(l -> l.contains("tor transport: launching tor in ")).count();
    }

    /** The tor transport's configuration for {@code network} in Felix's typed configuration format. */
    public static String torConfiguration(PrivateTorNetwork network, Path tor) {
        List<String> lines = network.clientTorrcLines();
        StringBuilder config = new StringBuilder();
        config.append("service.pid=\"org.veilswarm.transport.tor\"\n");
        config.append("mode=\"owned\"\n");
        config.append("torExecutable=").append(felixQuoted(tor.toString())).append('\n');
        config.append("bootstrapTimeoutSeconds=I\"150\"\n");
        config.append("connectTimeoutSeconds=I\"60\"\n");
        config.append("extraTorrcLines=[");
        for (int i = 0; i < lines.size(); i++) {
            config.append(i == 0 ? "" : ",").append(felixQuoted(lines.get(i)));
        }
        config.append("]\n");
        return config.toString();
    }

    /**
     * A string in Felix's typed configuration format (Configuration Admin's file store, FileInstall {@code .config}):
     * quoted, with {@code \}, {@code "}, {@code =} and space escaped by a backslash, as its writer does (an unescaped
     * {@code =} ends the value and the whole file is dropped).
     */
    public static String felixQuoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("=", "\\=").replace(" ", "\\ ") + '"';
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public Path data() {
        return data;
    }

    public int trackerPort() {
        return trackerPort;
    }

    public Process process() {
        return process;
    }

    /** The onion address the node printed at start (derived from its identity key). */
    public String address() {
        return output.stream().map(NODE_LINE::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("the node printed no address:\n" + log()));
    }

    public String log() {
        return String.join("\n", output);
    }

    /** Waits for the console line; returns the management URL. */
    public String awaitConsole(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Matcher> line = output.stream().map(CONSOLE_LINE::matcher).filter(Matcher::matches).findFirst();
            if (line.isPresent()) {
                return line.get().group(1);
            }
            if (!process.isAlive()) {
                fail("veilswarm run (" + name + ") exited with " + process.exitValue()
                        + " before printing its console URL:\n" + log());
            }
            Thread.sleep(200);
        }
        return fail("node " + name + " printed no console URL within " + timeout.toSeconds() + " s:\n" + log());
    }

    /** Waits until a line of the node's output contains {@code text}; fails if the node exits meanwhile. */
    public void awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!process.isAlive()) {
                fail("node " + name + " exited with " + process.exitValue() + ":\n" + log());
            }
            Thread.sleep(200);
        }
        fail("node " + name + " logged no '" + text + "' within " + timeout.toSeconds() + " s:\n" + log());
    }

    /** The tor processes whose command line names the node's data directory (its owned tor's torrc is there). */
    public List<ProcessHandle> tors() {
        String dir = data.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/tor")).orElse(false))
                .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(dir)).orElse(false))
                .toList();
    }

    /** The lines of the node's output that show a problem (stack traces, errors). */
    public List<String> problems() {
        return output.stream().filter(l -> PROBLEM_LINE.matcher(l).find()).toList();
    }

    /**
     * SIGTERM, then: the node ends within 60 s, logged no error, and every tor it owned ends within 30 s after it.
     */
    public void stopCleanly() throws InterruptedException {
        stopAndReap();
        List<String> problems = problems();
        assertTrue(problems.isEmpty(), "node " + name + " logged errors:\n" + String.join("\n", problems)
                + "\n--- whole output ---\n" + log());
    }

    /** SIGTERM, then: the node ends within 60 s and every tor it owned ends within 30 s after it. */
    public void stopAndReap() throws InterruptedException {
        List<ProcessHandle> owned = tors();
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "node " + name + " did not stop within 60 s:\n" + log());
        for (ProcessHandle t : owned) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (t.isAlive() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertTrue(!t.isAlive(), "the owned tor " + t.pid() + " outlived node " + name);
        }
    }

    /** Kills the node if it still runs (a test's clean-up after a failure). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
