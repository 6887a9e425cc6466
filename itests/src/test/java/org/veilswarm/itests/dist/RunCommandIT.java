package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.itests.support.ConsoleClient;
import org.veilswarm.itests.support.ConsoleClient.Bearer;
import org.veilswarm.itests.support.ConsoleClient.Reply;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.Ports;

/**
 * The README's run command, for real: {@code bin/veilswarm run --data <dir> --port <port>} of the assembled
 * distribution as its own process, its console reachable, {@code bin/veilswarm status} talking to it, and a
 * clean stop on SIGTERM. Prints the time from process start to the console line and the process's RSS
 * (figures, not assertions: the machine is shared and noisy).
 */
class RunCommandIT {
    private static final Pattern CONSOLE_LINE = Pattern.compile("Console: (http://127\\.0\\.0\\.1:(\\d+)/management/([A-Za-z0-9_-]+))\\s*");
    /** A stack trace line, an uncaught exception, or a log record at error level (Felix, java.util.logging). */
    private static final Pattern PROBLEM_LINE = Pattern.compile(
            "^\\s+at [\\w.$/]+\\(|^Caused by: |Exception in thread |\\bERROR\\b|\\bSEVERE\\b");
    private static final Duration CONSOLE_TIMEOUT = Duration.ofSeconds(60);
    /** What the JVM exits with after SIGTERM once its shutdown hooks ran (128 + 15). */
    private static final int EXIT_AFTER_SIGTERM = 143;

    private Process node;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (node != null && node.isAlive()) {
            node.destroyForcibly();
            node.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void runPrintsTheConsoleUrlServesTheApiAnswersStatusAndStopsCleanlyOnSigterm() throws Exception {
        Path home = Distribution.home();
        Path data = Distribution.freshDirectory("run-command");
        int port = Ports.freeLoopbackPort();
        Path veilswarm = home.resolve("bin/veilswarm");

        long started = System.nanoTime();
        node = new ProcessBuilder(veilswarm.toString(), "run", "--data", data.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = follow(node, data.resolveSibling(data.getFileName() + ".log"));

        Matcher console = awaitLine(lines, CONSOLE_LINE, CONSOLE_TIMEOUT);
        long consoleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        String url = console.group(1);
        assertEquals(port, Integer.parseInt(console.group(2)), "the console listens on another port than --port");
        String token = console.group(3);
        assertEquals(url, Files.readString(data.resolve("console.url")).strip(), "console.url differs from the printed URL");

        ConsoleClient client = new ConsoleClient(port);
        Reply signIn = client.get("/management/" + token, ConsoleClient.NONE);
        assertTrue(signIn.status() == 303 || signIn.status() == 200, "GET " + url + " answered " + signIn);
        assertTrue(ConsoleClient.sessionCookie(signIn).isPresent(), "GET " + url + " set no session cookie: " + signIn.headers());

        Reply anonymous = client.get("/api/node", ConsoleClient.NONE);
        assertEquals(401, anonymous.status(), "GET /api/node without a token: " + anonymous);
        Reply status = client.get("/api/node", new Bearer(token));
        assertEquals(200, status.status(), "GET /api/node with the token: " + status);
        Object address = status.object().get("address");
        assertTrue(address instanceof String a && OnionAddress.isValid(a), "no onion address in " + status);

        long rssKib = vmRssKib(node.pid());

        Process cli = new ProcessBuilder(veilswarm.toString(), "status", "--data", data.toString())
                .redirectErrorStream(true).start();
        String statusOutput = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "veilswarm status did not finish");
        assertEquals(0, cli.exitValue(), "veilswarm status failed:\n" + statusOutput);
        assertTrue(statusOutput.contains((String) address), "veilswarm status does not print the address " + address
                + ":\n" + statusOutput);

        long stopping = System.nanoTime();
        node.destroy(); // SIGTERM
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the node did not exit within 60 s of SIGTERM:\n" + String.join("\n", output));
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
        int exit = node.exitValue();
        assertTrue(exit == 0 || exit == EXIT_AFTER_SIGTERM, "exit code " + exit + " after SIGTERM:\n" + String.join("\n", output));
        assertFalse(Files.exists(data.resolve("console.url")), "console.url outlived the node");
        assertFalse(Ports.accepts("127.0.0.1", port), "port " + port + " still accepts after the node exited");
        List<String> problems = output.stream().filter(l -> PROBLEM_LINE.matcher(l).find()).toList();
        assertTrue(problems.isEmpty(), "the node logged errors or stack traces:\n" + String.join("\n", problems)
                + "\n--- whole output ---\n" + String.join("\n", output));

        System.out.printf("RunCommandIT figures: process start -> console line %d ms; VmRSS %d KiB (%.0f MiB) after the"
                + " first API calls; SIGTERM -> exit %d ms (exit code %d)%n",
                consoleMillis, rssKib, rssKib / 1024.0, stopMillis, exit);
    }

    /** Copies the process's output to {@code log} and to a queue of lines, on a daemon thread. */
    private BlockingQueue<String> follow(Process process, Path log) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log), true)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    copy.println(line);
                    output.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                output.add("(reading the node's output failed: " + e + ")");
            }
        }, "veilswarm-run-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private Matcher awaitLine(BlockingQueue<String> lines, Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher m = pattern.matcher(line);
                if (m.matches()) {
                    return m;
                }
            } else if (!node.isAlive()) {
                fail("veilswarm run exited with " + node.exitValue() + " before printing the console URL:\n"
                        + String.join("\n", output));
            }
        }
        fail("no line matching " + pattern + " within " + timeout.toSeconds() + " s:\n" + String.join("\n", output));
        return null;
    }

    /** Resident set size of a process, from /proc/<pid>/status (Linux). */
    private static long vmRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
    }
}
