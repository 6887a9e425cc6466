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
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.Ports;
import org.veilswarm.itests.support.CliRun;

/**
 * The README's "share a file" path with real processes: two nodes from the unpacked distribution
 * ({@code bin/veilswarm run} with the default features, so core, console, transport-direct, tracker and share),
 * each with its own data directory and its own console, tracker and swarm ports on 127.0.0.1;
 * {@code veilswarm share DIR --yes} on node A prints a link, {@code veilswarm get LINK --dir X} on node B
 * exits 0 once the files are there, and they match A's by SHA-256. Also the CLI's failures: a missing path,
 * no answer to the confirmation, a link to a share that does not exist (exit 1 with the node's reason).
 */
class ShareCommandIT {
    private static final Pattern CONSOLE_LINE = Pattern.compile("Console: http://127\\.0\\.0\\.1:\\d+/management/\\S+\\s*");
    private static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/private/[A-Za-z0-9_-]+");
    /** A stack trace line, an uncaught exception, or a log record at error level (Felix, java.util.logging). */
    private static final Pattern PROBLEM_LINE = Pattern.compile(
            "^\\s+at [\\w.$/]+\\(|^Caused by: |Exception in thread |\\bERROR\\b|\\bSEVERE\\b");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final List<RunningNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() throws InterruptedException {
        for (RunningNode n : nodes) {
            if (n.process.isAlive()) {
                n.process.destroyForcibly();
                n.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shareOnOneNodeAndGetOnAnotherByLinkGivesTheSameFiles() throws Exception {
        Path home = Distribution.home();
        Path veilswarm = home.resolve("bin/veilswarm");
        Path work = Distribution.freshDirectory("share-command");

        Path folder = work.resolve("holiday");
        Files.createDirectories(folder.resolve("day two"));
        Random random = new Random(42);
        write(folder.resolve("big.bin"), random, 3 * 1024 * 1024 + 12345);
        write(folder.resolve("day two/small.bin"), random, 777);
        Files.writeString(folder.resolve("day two/notes.txt"), "nothing personal here\n");

        RunningNode a = start(veilswarm, work.resolve("node-a"));
        RunningNode b = start(veilswarm, work.resolve("node-b"));

        CliRun missing = cli(veilswarm, "share", work.resolve("no-such-folder").toString(), "--yes", "--data",
                a.data.toString());
        assertEquals(1, missing.exit(), missing.output());
        assertTrue(missing.output().contains("does not exist"), missing.output());

        // stdin is empty: the question gets no answer, so nothing is shared.
        CliRun unanswered = cli(veilswarm, "share", folder.toString(), "--data", a.data.toString());
        assertEquals(1, unanswered.exit(), unanswered.output());
        assertTrue(unanswered.output().contains("About to share " + folder + ": 3 file(s)"), unanswered.output());
        assertTrue(unanswered.output().contains("pass --yes"), unanswered.output());

        CliRun share = cli(veilswarm, "share", folder.toString(), "--yes", "--data", a.data.toString());
        assertEquals(0, share.exit(), share.output());
        String lastLine = share.output().strip().lines().reduce((x, y) -> y).orElse("");
        assertTrue(LINK.matcher(lastLine).matches(), "the last line of veilswarm share is no link:\n" + share.output());
        assertTrue(lastLine.startsWith("http://127.0.0.1:" + a.trackerPort + "/private/"),
                "the link does not point at node A's tracker port " + a.trackerPort + ": " + lastLine);

        Path target = work.resolve("downloads");
        long started = System.nanoTime();
        CliRun get = cli(veilswarm, "get", lastLine, "--dir", target.toString(), "--data", b.data.toString());
        long getMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(0, get.exit(), get.output() + "\n--- node A ---\n" + a.log() + "\n--- node B ---\n" + b.log());
        assertTrue(get.output().contains("%"), "no progress in:\n" + get.output());
        assertEquals(sha256Tree(folder), sha256Tree(target.resolve("holiday")), get.output());

        // status lists the transfers: A's share, B's download, both seeding.
        CliRun statusA = cli(veilswarm, "status", "--data", a.data.toString());
        assertEquals(0, statusA.exit(), statusA.output());
        assertTrue(statusA.output().lines().anyMatch(l -> l.startsWith("holiday ") && l.contains("SEEDING")),
                "no seeding share in:\n" + statusA.output());
        assertTrue(statusA.output().contains("No downloads."), statusA.output());
        CliRun statusB = cli(veilswarm, "status", "--data", b.data.toString());
        assertEquals(0, statusB.exit(), statusB.output());
        assertTrue(statusB.output().lines().anyMatch(l -> l.startsWith("holiday ") && l.contains("SEEDING")
                && l.contains("100.0 %")), "no complete download in:\n" + statusB.output());

        String unknownLink = lastLine.substring(0, lastLine.lastIndexOf('/') + 1) + "A".repeat(43);
        CliRun bad = cli(veilswarm, "get", unknownLink, "--dir", work.resolve("nothing").toString(), "--data",
                b.data.toString());
        assertEquals(1, bad.exit(), bad.output());
        assertTrue(bad.output().contains("veilswarm: "), bad.output());

        for (RunningNode n : nodes) {
            n.process.destroy(); // SIGTERM
            assertTrue(n.process.waitFor(60, TimeUnit.SECONDS), "a node did not stop within 60 s:\n" + n.log());
            List<String> problems = n.output.stream().filter(l -> PROBLEM_LINE.matcher(l).find()).toList();
            assertTrue(problems.isEmpty(), "node " + n.data + " logged errors (port clash?):\n"
                    + String.join("\n", problems) + "\n--- whole output ---\n" + n.log());
        }
        System.out.printf("ShareCommandIT figures: veilswarm get of %d bytes over the direct transport took %d ms"
                + " (CLI process start to exit)%n", Files.size(folder.resolve("big.bin")) + 777 + 22, getMillis);
    }

    private static void write(Path file, Random random, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    /** Relative path to SHA-256 of every regular file under {@code root}. */
    private static Map<String, String> sha256Tree(Path root) throws IOException, NoSuchAlgorithmException {
        Map<String, String> digests = new TreeMap<>();
        assertTrue(Files.isDirectory(root), root + " is not a directory");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                digests.put(root.relativize(f).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return digests;
    }

    private static CliRun cli(Path veilswarm, String... args) throws IOException, InterruptedException {
        return CliRun.run(COMMAND_TIMEOUT, veilswarm, args);
    }

    private final class RunningNode {
        final Path data;
        final int trackerPort;
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();

        RunningNode(Path data, int trackerPort, Process process) {
            this.data = data;
            this.trackerPort = trackerPort;
            this.process = process;
        }

        String log() {
            return String.join("\n", output);
        }
    }

    /** {@code veilswarm run} with its own data directory and free console, tracker and swarm ports. */
    private RunningNode start(Path veilswarm, Path data) throws IOException, InterruptedException {
        int console = Ports.freeLoopbackPort();
        int tracker = Ports.freeLoopbackPort();
        int swarm = Ports.freeLoopbackPort();
        Process p = new ProcessBuilder(veilswarm.toString(), "run", "--data", data.toString(), "--port",
                Integer.toString(console), "--tracker-port", Integer.toString(tracker), "--swarm-port",
                Integer.toString(swarm)).redirectErrorStream(true).start();
        RunningNode node = new RunningNode(data, tracker, p);
        nodes.add(node);
        Path logFile = data.resolveSibling(data.getFileName() + ".log");
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
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (node.output.stream().anyMatch(l -> CONSOLE_LINE.matcher(l).matches())) {
                return node;
            }
            if (!p.isAlive()) {
                fail("veilswarm run exited with " + p.exitValue() + " before printing its console URL:\n" + node.log());
            }
            Thread.sleep(200);
        }
        fail("node " + data + " printed no console URL within " + START_TIMEOUT.toSeconds() + " s:\n" + node.log());
        return node;
    }
}
