package org.veilswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled distribution as an operator gets it: the tarball unpacked with tar, {@code bin/veilswarm run}
 * with no argument, {@code status}/{@code bundles} from a second process, hot deployment through
 * {@code deploy/}, and a clean stop on SIGTERM. Runs in the integration-test phase, after the assembly.
 */
class DistributionIT {

    private static final long PATIENCE_SECONDS = 120;
    private static final Pattern CONSOLE_LINE = Pattern.compile("Console: (http://127\\.0\\.0\\.1:(\\d+)/management/[A-Za-z0-9_-]+)");

    @TempDir
    Path tmp;

    private Process node;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (node != null && node.isAlive()) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void unpackedTarballRunsWithNoArgumentStaysInspectableAndStopsOnSigterm() throws Exception {
        Path home = unpack();
        int port = TestNodes.freePort();
        // The shipped defaults, but a free port (8427 may be taken on a shared machine)...
        Path etc = home.resolve("etc/veilswarm.properties");
        String shipped = Files.readString(etc);
        assertTrue(shipped.contains("\nconsole.port=8427\n"), "ships the contract's default port");
        Files.writeString(etc, shipped.replace("\nconsole.port=8427\n", "\nconsole.port=" + port + "\n"));
        // ...and ~ in a temporary home, so data.dir=~/.veilswarm stays inside the test.
        Path userHome = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = Map.of("VEILSWARM_JAVA_OPTS", "-Duser.home=" + userHome);
        Path data = userHome.resolve(".veilswarm");

        long began = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/veilswarm").toString(), "run")
                .redirectError(tmp.resolve("run.err").toFile());
        pb.environment().putAll(env);
        node = pb.start();
        BlockingQueue<String> lines = stdoutLines(node);

        String running = nextLine(lines, "the 'running' line");
        String consoleLine = nextLine(lines, "the console line");
        long consoleUpMillis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(running.matches("Veilswarm node [a-z2-7]{56}\\.onion running"), running);
        Matcher console = CONSOLE_LINE.matcher(consoleLine);
        assertTrue(console.matches(), consoleLine);
        assertEquals(port, Integer.parseInt(console.group(2)));
        assertEquals(console.group(1), Files.readString(data.resolve("console.url")).trim());
        System.out.println("[DistributionIT] process start -> console line: " + consoleUpMillis + " ms");

        Result status = cli(home, env, "status");
        assertEquals(0, status.exitCode, status.err);
        assertTrue(status.out.contains(running.split(" ")[2]), "status shows the address: " + status.out);

        Result bundles = cli(home, env, "bundles");
        assertEquals(0, bundles.exitCode, bundles.err);
        for (String ours : List.of("org.veilswarm.api", "org.veilswarm.crypto", "org.veilswarm.node",
                "org.veilswarm.console", "org.veilswarm.direct", "org.apache.felix.fileinstall")) {
            assertTrue(bundles.out.lines().anyMatch(l -> l.contains(" " + ours + " ") && l.contains("ACTIVE")),
                    ours + " ACTIVE in: " + bundles.out);
        }

        TestBundles.bundle(tmp.resolve("build"), "dropped", "1.0.0", Map.of());
        Path jar = tmp.resolve("build/org/example/dropped/1.0.0/dropped-1.0.0.jar");
        Files.copy(jar, home.resolve("deploy/dropped.jar.part"));
        Files.move(home.resolve("deploy/dropped.jar.part"), home.resolve("deploy/dropped.jar"));
        assertTrue(eventually(() -> cli(home, env, "bundles").out.lines()
                .anyMatch(l -> l.contains("org.example.dropped") && l.contains("ACTIVE"))),
                "a jar dropped into deploy/ is installed and started");

        node.destroy(); // SIGTERM
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "stops within 60 s of SIGTERM");
        assertEquals(143, node.exitValue(), "128 + SIGTERM: the JVM ended through its shutdown hook");
        assertFalse(Files.exists(data.resolve("console.url")), "the console removed console.url as it stopped");
        String err = Files.readString(tmp.resolve("run.err"));
        assertFalse(err.contains("Exception in thread"), err);

        Result afterStop = cli(home, env, "status");
        assertEquals(1, afterStop.exitCode);
        assertTrue(afterStop.err.contains("No Veilswarm node is running"), afterStop.err);
    }

    @Test
    void secondRunOnATakenPortFailsWithThePortInTheMessage() throws Exception {
        Path home = unpack();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Result r = cli(home, Map.of(), "run", "--data", tmp.resolve("d").toString(), "--port", Integer.toString(port));
            assertEquals(1, r.exitCode, r.out);
            assertTrue(r.err.contains("Console port " + port + " on 127.0.0.1 is already in use"), r.err);
        }
    }

    @Test
    void installationVerifies() throws Exception {
        Path home = unpack();
        Result r = cli(home, Map.of(), "verify");
        assertEquals(0, r.exitCode, r.err);
        // Every feature file shipped in the tarball must have been checked, however many there are.
        long shipped;
        try (var files = Files.walk(home)) {
            shipped = files.filter(f -> f.getParent() != null && f.getParent().getFileName().toString().equals("features")
                    && f.getFileName().toString().endsWith(".json")).count();
        }
        assertTrue(shipped >= 3, "feature files in the tarball: " + shipped);
        assertTrue(r.out.startsWith("OK: " + shipped + " features"), r.out);
    }

    private Path unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("veilswarm.dist.tarball"));
        Path into = Files.createDirectories(tmp.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", into.toString()).inheritIO().start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar xzf " + tarball);
        try (Stream<Path> top = Files.list(into)) {
            List<Path> dirs = top.toList();
            assertEquals(1, dirs.size(), "one top directory: " + dirs);
            Path home = dirs.get(0);
            for (String d : List.of("bin/veilswarm", "lib", "bundles", "features", "etc/veilswarm.properties", "deploy")) {
                assertTrue(Files.exists(home.resolve(d)), d);
            }
            assertTrue(Files.isExecutable(home.resolve("bin/veilswarm")));
            return home;
        }
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Result cli(Path home, Map<String, String> env, String... args) {
        try {
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/veilswarm").toString()));
            command.addAll(List.of(args));
            Path out = Files.createTempFile(tmp, "cli", ".out");
            Path err = Files.createTempFile(tmp, "cli", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            assertTrue(p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS), "veilswarm " + String.join(" ", args) + " finished");
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static BlockingQueue<String> stdoutLines(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "veilswarm-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private String nextLine(BlockingQueue<String> lines, String what) throws Exception {
        String line = lines.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertNotNull(line, "no " + what + " on stdout within " + PATIENCE_SECONDS + " s; stderr: "
                + Files.readString(tmp.resolve("run.err")));
        return line;
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(500);
        }
        return condition.getAsBoolean();
    }
}
