package org.veilswarm.itests.support;

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
 * A {@code veilswarm testnet} supervisor started by a test from the unpacked distribution, with what its output
 * says about the nodes once it is ready (onion address and console of each). {@link #close()} ends the
 * supervisor and, should one outlive it, every process whose command line names the testnet's directory.
 */
public final class RunningTestnet implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Testnet ready in (\\d+) s: .*");
    private static final Pattern NODE_ROW = Pattern.compile(
            "(node-\\d+)\\s+(authority\\+relay|relay)\\s+([a-z2-7]{56}\\.onion)\\s+(http://127\\.0\\.0\\.1:(\\d+)/management/([A-Za-z0-9_-]+))");

    /**
     * One node of the table the supervisor prints when the testnet is ready.
     *
     * @param authority whether it is a directory authority (all are relays)
     */
    public record Node(String name, boolean authority, Path directory, String address, int consolePort,
            String token) {
        public ConsoleClient console() {
            return new ConsoleClient(consolePort);
        }

        public ConsoleClient.Credentials bearer() {
            return new ConsoleClient.Bearer(token);
        }

        /** The node's process id, from its {@code node.pid}. */
        public long pid() {
            try {
                return Long.parseLong(Files.readString(directory.resolve("node.pid")).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** VmRSS of the node's process in KiB (/proc/&lt;pid&gt;/status), -1 if it cannot be read. */
        public long rssKiB() {
            return RunningTestnet.rssKiB(pid());
        }

        /** The last {@code lines} lines of the node's log. */
        public String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(directory.resolve("logs/node.log"));
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    private final Path dir;
    private final Process supervisor;
    private final Thread reader;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final int basePort;
    private Map<String, Node> nodes = Map.of();
    private long readyMillis = -1;
    private String readyLine;

    private RunningTestnet(Path dir, Process supervisor, int basePort) {
        this.dir = dir;
        this.supervisor = supervisor;
        this.basePort = basePort;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(supervisor.getInputStream(),
                    StandardCharsets.UTF_8))) {
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

    /**
     * Starts {@code veilswarm testnet --nodes N --authorities A} in {@code dir} on a free port range (another
     * range when the supervisor finds the ports taken meanwhile) and waits until it prints its ready line and
     * the node table.
     */
    public static RunningTestnet start(Path veilswarm, Path dir, int nodeCount, int authorities, Duration readyTimeout,
            Map<String, String> environment) throws IOException, InterruptedException {
        return start(veilswarm, dir, nodeCount, authorities, readyTimeout, environment, java.util.List.of());
    }

    /** {@link #start(Path, Path, int, int, Duration, Map)} with more arguments for {@code veilswarm testnet}. */
    public static RunningTestnet start(Path veilswarm, Path dir, int nodeCount, int authorities, Duration readyTimeout,
            Map<String, String> environment, java.util.List<String> moreArguments)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            int base = Ports.freePortRange(nodeCount * 10);
            ProcessBuilder pb = new ProcessBuilder(veilswarm.toString(), "testnet", "--nodes", Integer.toString(nodeCount),
                    "--authorities", Integer.toString(authorities), "--dir", dir.toString(), "--base-port",
                    Integer.toString(base), "--timeout", Long.toString(Math.max(30, readyTimeout.toSeconds() - 10)));
            pb.command().addAll(moreArguments);
            pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(environment);
            RunningTestnet t = new RunningTestnet(dir, pb.start(), base);
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            while (t.output.stream().noneMatch(l -> l.startsWith("Started ")) && (t.supervisor.isAlive() || t.reader.isAlive())
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            boolean portsTaken = !t.supervisor.isAlive() && t.output.stream().anyMatch(l -> l.contains("Ports in use"));
            if (portsTaken && attempt < 3) {
                t.reader.join(10_000);
                continue;
            }
            try {
                t.awaitReady(nodeCount, readyTimeout);
            } catch (Throwable e) {
                t.close();
                throw e;
            }
            t.readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            return t;
        }
    }

    private void awaitReady(int nodeCount, Duration timeout) throws InterruptedException {
        readyLine = await("the testnet to be ready", timeout,
                () -> output.stream().filter(l -> READY.matcher(l).matches()).findFirst());
        await("the node table", Duration.ofSeconds(30), () -> output.stream().filter(l -> l.startsWith("Data: ")).findFirst());
        Map<String, Node> rows = new LinkedHashMap<>();
        for (String line : output) {
            Matcher m = NODE_ROW.matcher(line.strip());
            if (m.matches()) {
                rows.put(m.group(1), new Node(m.group(1), m.group(2).startsWith("authority"), dir.resolve(m.group(1)),
                        m.group(3), Integer.parseInt(m.group(5)), m.group(6)));
            }
        }
        if (rows.size() != nodeCount) {
            fail("expected one row per node (" + nodeCount + ") in the supervisor's table:\n" + output());
        }
        nodes = rows;
    }

    public Node node(int i) {
        Node n = nodes.get("node-" + i);
        if (n == null) {
            throw new IllegalArgumentException("no node-" + i + " in " + nodes.keySet());
        }
        return n;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public int basePort() {
        return basePort;
    }

    public long readyMillis() {
        return readyMillis;
    }

    public Path directory() {
        return dir;
    }

    /** The supervisor's "Testnet ready in N s: ..." line. */
    public String readyLine() {
        return readyLine;
    }

    /** Everything the supervisor printed so far. */
    public String output() {
        return String.join("\n", output);
    }

    /** Everything the supervisor printed so far, a line an element. */
    public List<String> outputLines() {
        return List.copyOf(output);
    }

    /**
     * Waits up to {@code timeout} for the supervisor to end (after {@code veilswarm testnet stop}), then for its
     * output to be read to the end.
     *
     * @return whether it ended
     */
    public boolean awaitSupervisorExit(Duration timeout) throws InterruptedException {
        boolean ended = supervisor.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (ended) {
            reader.join(10_000);
        }
        return ended;
    }

    /** RSS (KiB) of every node now, by node name. */
    public Map<String, Long> rssKiB() {
        Map<String, Long> rss = new LinkedHashMap<>();
        nodes.values().forEach(n -> rss.put(n.name(), n.rssKiB()));
        return rss;
    }

    /**
     * Polls every 500 ms until {@code condition} gives a value; fails naming what was awaited, with the output (and
     * the ends of node 1's and node 2's logs), or as soon as the supervisor exits.
     */
    public <T> T await(String what, Duration timeout, Supplier<Optional<T>> condition) throws InterruptedException {
        return await(what, timeout, condition, true);
    }

    /** As {@link #await(String, Duration, Supplier)}; {@code supervisorMustRun} false once it was stopped on purpose. */
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
                        + output() + nodeLogTails());
            }
            if (supervisorMustRun && !supervisor.isAlive()) {
                fail("the testnet supervisor exited (" + supervisor.exitValue() + ") while waiting for " + what
                        + ":\n" + output());
            }
            Thread.sleep(500);
        }
    }

    /** The ends of the first two nodes' logs, once the table named them. */
    private String nodeLogTails() {
        StringBuilder tails = new StringBuilder();
        for (String name : List.of("node-1", "node-2")) {
            Node n = nodes.get(name);
            if (n != null) {
                tails.append("\n--- ").append(name).append(" log ---\n").append(n.logTail(40));
            }
        }
        return tails.toString();
    }

    /** Stops the supervisor (SIGTERM: it stops its nodes) and kills whatever of the testnet is still running. */
    @Override
    public void close() throws InterruptedException {
        if (supervisor.isAlive()) {
            supervisor.destroy();
            if (!supervisor.waitFor(60, TimeUnit.SECONDS)) {
                supervisor.destroyForcibly();
                supervisor.waitFor(30, TimeUnit.SECONDS);
            }
        }
        // The nodes follow their supervisor (--exit-with); this only acts when that did not happen.
        for (ProcessHandle h : processes()) {
            h.destroyForcibly();
        }
        reader.join(10_000);
    }

    /** Processes whose command line names this testnet's directory (its nodes, and its supervisor). */
    public List<ProcessHandle> processes() {
        String mark = dir.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(mark)).orElse(false)).toList();
    }

    public static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // reported as -1
        }
        return -1;
    }
}
