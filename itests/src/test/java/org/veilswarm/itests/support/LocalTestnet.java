package org.veilswarm.itests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code veilswarm testnet} run for distribution tests (docs/testnet.md): the supervisor process started on a
 * free port range below the ephemeral range (another range if the supervisor finds a port taken before it starts
 * anything), its output collected, the node table parsed once it says the testnet is ready, and everything ended
 * on {@link #close()} even when the test fails half-way.
 */
public final class LocalTestnet implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Testnet ready in (\\d+) s: .*");
    private static final Pattern NODE_ROW = Pattern.compile("(node-\\d+)\\s+(authority\\+relay|relay)\\s+"
            + "([a-z2-7]{56}\\.onion)\\s+(http://127\\.0\\.0\\.1:\\d+/management/[A-Za-z0-9_-]+)");

    /**
     * One node of the table the supervisor prints when ready.
     *
     * @param name {@code node-1}, {@code node-2}, ...
     * @param role {@code authority+relay} or {@code relay}
     * @param onionAddress the node's onion address
     * @param consoleUrl its management link ({@code http://127.0.0.1:<port>/management/<token>})
     */
    public record Node(String name, String role, String onionAddress, String consoleUrl) {
        public String token() {
            return consoleUrl.substring(consoleUrl.indexOf("/management/") + "/management/".length());
        }

        /** {@code http://127.0.0.1:<port>}. */
        public String base() {
            return consoleUrl.substring(0, consoleUrl.indexOf("/management/"));
        }
    }

    private final Path veilswarm;
    private final Path directory;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private Process supervisor;
    private Thread reader;
    private int basePort;
    private String readyLine;

    private LocalTestnet(Path veilswarm, Path directory) {
        this.veilswarm = veilswarm;
        this.directory = directory;
    }

    /**
     * Starts {@code veilswarm testnet --nodes N --authorities A --dir DIR} and waits until it is ready and has
     * printed its node table. The caller closes it.
     */
    public static LocalTestnet start(Path veilswarm, Path directory, int nodeCount, int authorities,
            Duration readyTimeout) throws IOException, InterruptedException {
        LocalTestnet testnet = new LocalTestnet(veilswarm, directory);
        try {
            testnet.startAndAwaitReady(nodeCount, authorities, readyTimeout);
            return testnet;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            testnet.close();
            throw e;
        }
    }

    private void startAndAwaitReady(int nodeCount, int authorities, Duration readyTimeout)
            throws IOException, InterruptedException {
        // Another process may take a port between the check and the start: the testnet then refuses with
        // "Ports in use" before starting anything, and another range is tried.
        for (int attempt = 1; ; attempt++) {
            basePort = freePortRange(nodeCount * 10);
            startSupervisor(nodeCount, authorities, basePort, readyTimeout);
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            while (output.stream().noneMatch(l -> l.startsWith("Started ")) && (supervisor.isAlive() || reader.isAlive())
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            boolean portsTaken = !supervisor.isAlive() && output.stream().anyMatch(l -> l.contains("Ports in use"));
            if (!portsTaken || attempt == 3) {
                break;
            }
            reader.join(10_000);
            output.clear();
        }
        readyLine = await("the testnet to be ready", readyTimeout,
                () -> output.stream().filter(l -> READY.matcher(l).matches()).findFirst(), true);
        // The table follows the ready line; its last line names the data directory.
        await("the node table", Duration.ofSeconds(30), () -> output.stream().filter(l -> l.startsWith("Data: "))
                .findFirst(), true);
        for (String line : output) {
            Matcher m = NODE_ROW.matcher(line.strip());
            if (m.matches()) {
                nodes.put(m.group(1), new Node(m.group(1), m.group(2), m.group(3), m.group(4)));
            }
        }
        assertEquals(nodeCount, nodes.size(), "one row per node with its onion address and console URL:\n" + output());
        assertEquals(authorities, nodes.values().stream().filter(n -> n.role().startsWith("authority")).count(),
                output());
    }

    private void startSupervisor(int nodeCount, int authorities, int base, Duration readyTimeout) throws IOException {
        supervisor = new ProcessBuilder(veilswarm.toString(), "testnet", "--nodes", Integer.toString(nodeCount),
                "--authorities", Integer.toString(authorities), "--dir", directory.toString(), "--base-port",
                Integer.toString(base), "--timeout", Long.toString(readyTimeout.toSeconds() - 10))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Process p = supervisor;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(reading the supervisor's output failed: " + e + ")");
            }
        }, "testnet-output");
        reader.setDaemon(true);
        reader.start();
    }

    public Node node(String name) {
        Node node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no " + name + " in the testnet: " + nodes.keySet());
        }
        return node;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The testnet directory: {@code node-N/} is node N's data directory. */
    public Path directory() {
        return directory;
    }

    public int basePort() {
        return basePort;
    }

    /** The supervisor's "Testnet ready in N s: ..." line. */
    public String readyLine() {
        return readyLine;
    }

    /** Everything the supervisor printed so far. */
    public String output() {
        return String.join("\n", output);
    }

    /** The last 40 lines of a node's log, for failure messages. */
    public String nodeLogTail(String node) {
        try {
            List<String> lines = Files.readAllLines(directory.resolve(node).resolve("logs/node.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * {@code veilswarm testnet stop}: asserts that it succeeds and that the supervisor and every node process end.
     */
    public void stop() throws IOException, InterruptedException {
        List<ProcessHandle> before = processes();
        CliRun stop = CliRun.run(Duration.ofSeconds(120), veilswarm, "testnet", "stop", "--dir", directory.toString());
        assertEquals(0, stop.exit(), stop.output());
        assertTrue(supervisor.waitFor(60, TimeUnit.SECONDS), "the supervisor still runs after testnet stop");
        for (ProcessHandle h : before) {
            await("process " + h.pid() + " to end", Duration.ofSeconds(60),
                    () -> h.isAlive() ? Optional.empty() : Optional.of("gone"), false);
        }
        assertTrue(processes().isEmpty(), "processes of the testnet left: " + processes());
    }

    /** Processes whose command line names this testnet's directory (its nodes, and its supervisor). */
    public List<ProcessHandle> processes() {
        String mark = directory.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(mark)).orElse(false)).toList();
    }

    /** Ends whatever still runs: the nodes follow their supervisor ({@code --exit-with}); this catches the rest. */
    @Override
    public void close() throws InterruptedException {
        if (supervisor != null && supervisor.isAlive()) {
            supervisor.destroyForcibly();
            supervisor.waitFor(30, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : processes()) {
            h.destroyForcibly();
        }
    }

    /** Polls until {@code condition} gives a value; fails naming what was awaited, with the output so far. */
    public <T> T await(String what, Duration timeout, Supplier<Optional<T>> condition, boolean supervisorMustRun)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = condition.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n--- testnet output ---\n"
                        + output() + "\n--- node-1 log ---\n" + nodeLogTail("node-1") + "\n--- node-2 log ---\n"
                        + nodeLogTail("node-2"));
            }
            if (supervisorMustRun && supervisor != null && !supervisor.isAlive()) {
                fail("the testnet supervisor exited (" + supervisor.exitValue() + ") while waiting for " + what
                        + ":\n" + output());
            }
            Thread.sleep(500);
        }
    }

    /**
     * A base port with {@code count} consecutive ports free on 127.0.0.1 now, below Linux's ephemeral range
     * (32768 and up): there an outgoing connection of a node starting earlier could hold a port a later node
     * is about to listen on.
     */
    static int freePortRange(int count) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + random.nextInt(120) * 100;
            boolean free = true;
            for (int p = base; p < base + count && free; p++) {
                free = Ports.bindable("127.0.0.1", p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports on 127.0.0.1");
    }
}
