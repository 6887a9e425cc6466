package org.veilswarm.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code veilswarm testnet}: a local test network on 127.0.0.1 in the manner of Tor's chutney
 * (docs/testnet.md). Writes the plan ({@link TestnetPlan}), starts one node process per node
 * ({@link TestnetProcesses}), shows progress until the directory is ready ({@link TestnetReadiness}), prints
 * every node's console URL, and runs until Ctrl-C, SIGTERM or {@code veilswarm testnet stop}, which stop
 * every node and leave no process behind.
 */
final class TestnetCommand {

    static final String PID_FILE = "testnet.pid";
    static final String LOCK_FILE = "testnet.lock";
    /** What the supervisor's command line contains: how {@code stop} recognises it. */
    static final String SUPERVISOR_MARK = "testnet";
    private static final Duration POLL = Duration.ofSeconds(1);

    /** The options of {@code veilswarm testnet}. */
    record Options(Path directory, int nodes, int authorities, int basePort, String scheme, List<String> features,
            Duration timeout, boolean reset) {
    }

    private TestnetCommand() {
    }

    /** @return whether the JVM is shutting down (a signal stopped the testnet): the caller must not System.exit */
    static boolean run(Options o, PrintStream out) throws CliException, InterruptedException {
        TestnetPlan plan = prepare(o);
        Path home = LauncherSettings.home();
        FileLock lock = lock(plan.directory);
        TestnetProcesses processes = new TestnetProcesses();
        AtomicBoolean shuttingDown = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stopAll = () -> {
            if (stopped.compareAndSet(false, true)) {
                out.println();
                out.println("Stopping " + processes.running().size() + " nodes ...");
                out.flush();
                processes.stopAll();
                long left = processes.running().values().stream().filter(Process::isAlive).count();
                out.println(left == 0 ? "Testnet stopped: no node process left." : left + " node processes did not stop");
                TestnetProcesses.deleteQuietly(plan.directory.resolve(PID_FILE));
                out.flush();
            }
        };
        Thread hook = new Thread(() -> {
            shuttingDown.set(true);
            stopAll.run();
        }, "veilswarm-testnet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Files.writeString(plan.directory.resolve(PID_FILE), ProcessHandle.current().pid() + "\n",
                    StandardCharsets.US_ASCII);
            out.println("Veilswarm testnet in " + plan.directory + ": " + plan.nodeCount + " nodes, "
                    + plan.authorityCount + " of them directory authorities, " + plan.scheme + " directory, ports "
                    + plan.basePort + "-" + (plan.basePort + plan.nodeCount * TestnetPlan.PORTS_PER_NODE - 1));
            for (TestnetPlan.Node n : plan.nodes) {
                processes.start(home, n, plan.features(n, o.features()));
            }
            out.println("Started " + plan.nodeCount + " node processes (logs: " + plan.directory
                    + "/node-<i>/logs/node.log). Waiting for the directory (a consensus every "
                    + TestnetPlan.VOTING_INTERVAL_SECONDS + " s) ...");
            out.flush();
            long started = System.nanoTime();
            TestnetReadiness.View view = awaitReady(plan, processes, o.timeout(), out);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            printReady(plan, view, seconds, out);
            watch(plan, processes, out);
        } catch (IOException e) {
            throw failure(hook, stopAll, "Cannot start the testnet: " + e.getMessage());
        } catch (CliException e) {
            throw failure(hook, stopAll, e.getMessage());
        } finally {
            release(lock);
        }
        if (shuttingDown.get()) {
            return true;
        }
        // Every node ended on its own (stopped from its console, or by `testnet stop` killing nodes only).
        stopAll.run();
        return !removed(hook);
    }

    private static CliException failure(Thread hook, Runnable stopAll, String message) {
        if (removed(hook)) {
            stopAll.run();
        }
        return new CliException(message);
    }

    /** The plan: a new one, or the one a previous run left in the directory when it has the same shape. */
    private static TestnetPlan prepare(Options o) throws CliException {
        TestnetPlan wanted = new TestnetPlan(o.directory(), o.nodes(), o.authorities(), o.basePort(), o.scheme());
        if (o.reset()) {
            reset(o.directory());
        } else {
            Optional<TestnetPlan> previous = TestnetPlan.read(o.directory());
            if (previous.isPresent() && !previous.get().sameShapeAs(wanted)) {
                TestnetPlan p = previous.get();
                throw new CliException(o.directory() + " holds another testnet (" + p.nodeCount + " nodes, "
                        + p.authorityCount + " authorities, " + p.scheme + ", base port " + p.basePort
                        + "): run with --reset to replace it, or choose another --dir", 2);
            }
            if (previous.isEmpty() && Files.isDirectory(o.directory()) && !isEmpty(o.directory())) {
                throw new CliException(o.directory() + " exists and is not a testnet directory: choose another --dir", 2);
            }
        }
        List<String> busy = wanted.busyPorts();
        if (!busy.isEmpty()) {
            throw new CliException("Ports in use on 127.0.0.1: " + String.join(", ", busy)
                    + ". Is a testnet already running? (veilswarm testnet stop) Else choose another --base-port.");
        }
        try {
            wanted.write();
        } catch (IOException e) {
            throw new CliException("Cannot write the testnet configuration in " + o.directory() + ": " + e);
        }
        return wanted;
    }

    /** Deletes a previous testnet directory: only one that holds a testnet plan, and none that is running. */
    private static void reset(Path dir) throws CliException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(TestnetPlan.PLAN_FILE))) {
            throw new CliException("--reset deletes only a testnet directory, and " + dir + " holds no "
                    + TestnetPlan.PLAN_FILE, 2);
        }
        if (TestnetProcesses.processOf(dir.resolve(PID_FILE), SUPERVISOR_MARK).isPresent()) {
            throw new CliException("The testnet in " + dir + " is running: veilswarm testnet stop --dir " + dir, 2);
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new CliException("Cannot delete " + dir + ": " + e);
        }
    }

    private static boolean isEmpty(Path dir) throws CliException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new CliException("Cannot read " + dir + ": " + e);
        }
    }

    private static FileLock lock(Path dir) throws CliException {
        try {
            FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new CliException("A testnet already runs from " + dir + ": veilswarm testnet stop --dir " + dir);
            }
            return lock;
        } catch (IOException | OverlappingFileLockException e) {
            throw new CliException("Cannot lock " + dir.resolve(LOCK_FILE) + ": " + e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            // Closing releases the lock; the process ends soon anyway.
        }
    }

    /** Polls until ready, showing progress; fails naming what is missing on timeout or when a node dies. */
    private static TestnetReadiness.View awaitReady(TestnetPlan plan, TestnetProcesses processes, Duration timeout,
            PrintStream out) throws CliException, InterruptedException, IOException {
        TestnetReadiness readiness = new TestnetReadiness(plan);
        StatusLine line = new StatusLine(out, ProgressDisplay.stdoutIsTerminal());
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            for (Map.Entry<TestnetPlan.Node, Process> e : processes.running().entrySet()) {
                if (!e.getValue().isAlive()) {
                    line.end();
                    throw new CliException(e.getKey().name() + " exited with status " + e.getValue().exitValue()
                            + " while the testnet started. Its log, " + e.getKey().logFile() + ", ends with:\n"
                            + tail(e.getKey().logFile(), 15));
                }
            }
            TestnetReadiness.View view = readiness.look();
            long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            line.show(elapsed, summary(plan, view));
            if (view.ready()) {
                line.end();
                return view;
            }
            if (System.nanoTime() > deadline) {
                line.end();
                throw new CliException("The testnet was not ready after " + timeout.toSeconds() + " s:\n"
                        + diagnosis(plan, view) + "Logs: " + plan.directory + "/node-<i>/logs/node.log");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static String summary(TestnetPlan plan, TestnetReadiness.View v) {
        return "consoles " + v.consolesUp() + "/" + plan.nodeCount + ", components " + v.componentsActive() + "/"
                + plan.nodeCount + ", consensus: " + v.relaysListed() + "/" + plan.nodeCount + " relays, "
                + v.bestSignatures() + "/" + plan.authorityCount + " signatures (needs " + plan.majority() + ")"
                + ", nodes seeing all relays " + v.directoriesComplete() + "/" + plan.nodeCount;
    }

    private static String diagnosis(TestnetPlan plan, TestnetReadiness.View v) {
        StringBuilder b = new StringBuilder();
        v.nodes().forEach((n, view) -> {
            if (!view.consoleUp()) {
                b.append("  ").append(n.name()).append(": ").append(view.problem().orElse("console not up")).append('\n');
            } else if (!view.componentsNotActive().isEmpty()) {
                b.append("  ").append(n.name()).append(": ").append(String.join("; ", view.componentsNotActive()))
                        .append('\n');
            } else if (!view.directoryLists(plan.nodeCount)) {
                b.append("  ").append(n.name()).append(": its ").append(plan.scheme).append(" directory lists ")
                        .append(view.directoryRelays()).append(" of ").append(plan.nodeCount)
                        .append(" relays (GET /api/directory; it fetches a newer directory on its own schedule)\n");
            }
        });
        v.authorities().forEach((a, state) -> b.append("  authority ").append(a.name()).append(" (127.0.0.1:")
                .append(a.dirPort()).append("): ").append(state).append('\n'));
        if (!v.unlisted().isEmpty()) {
            b.append("  relays missing from a consensus: ").append(String.join(", ", v.unlisted()))
                    .append(" (a relay is listed once it published its descriptor and an authority reached its ORPort)\n");
        }
        return b.toString();
    }

    private static void printReady(TestnetPlan plan, TestnetReadiness.View v, long seconds, PrintStream out) {
        out.println("Testnet ready in " + seconds + " s: " + plan.nodeCount + " nodes, " + v.relaysListed()
                + " relays in a consensus signed by " + v.bestSignatures() + "/" + plan.authorityCount
                + " authorities.");
        TextTable table = new TextTable("NODE", "ROLE", "ADDRESS", "CONSOLE");
        v.nodes().forEach((n, view) -> table.add(n.name(), n.authority() ? "authority+relay" : "relay",
                view.address().orElse("?"), view.consoleUrl().orElse("?")));
        table.print(out);
        out.println("Data: " + plan.directory + "/node-<i>/   Stop: Ctrl-C, or veilswarm testnet stop --dir "
                + plan.directory);
        out.flush();
    }

    /** Runs until every node has ended, reporting a node that ends on its own. */
    private static void watch(TestnetPlan plan, TestnetProcesses processes, PrintStream out) throws InterruptedException {
        Set<TestnetPlan.Node> reported = new HashSet<>();
        while (true) {
            Map<TestnetPlan.Node, Process> all = processes.running();
            boolean anyAlive = false;
            for (Map.Entry<TestnetPlan.Node, Process> e : all.entrySet()) {
                if (e.getValue().isAlive()) {
                    anyAlive = true;
                } else if (reported.add(e.getKey())) {
                    out.println(e.getKey().name() + " ended (exit status " + e.getValue().exitValue() + "); log: "
                            + e.getKey().logFile());
                    out.flush();
                }
            }
            if (!anyAlive) {
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * {@code veilswarm testnet stop}: SIGTERM to the supervisor (which stops its nodes), then to any node
     * process still running from the directory (a supervisor killed with SIGKILL leaves its nodes to stop on
     * their own through {@code --exit-with}; this does not wait for that).
     */
    static void stop(Path dir, PrintStream out) throws CliException, InterruptedException {
        Optional<TestnetPlan> plan = TestnetPlan.read(dir);
        if (plan.isEmpty()) {
            throw new CliException("No testnet in " + dir + " (no " + TestnetPlan.PLAN_FILE + "); give its directory with --dir");
        }
        int stopped = 0;
        Optional<ProcessHandle> supervisor = TestnetProcesses.processOf(dir.resolve(PID_FILE), SUPERVISOR_MARK);
        if (supervisor.isPresent()) {
            out.println("Stopping the testnet supervisor (pid " + supervisor.get().pid() + ") and its nodes ...");
            out.flush();
            supervisor.get().destroy();
            await(supervisor.get(), TestnetProcesses.STOP_GRACE.plusSeconds(15));
            stopped++;
        }
        List<ProcessHandle> nodes = new ArrayList<>();
        for (TestnetPlan.Node n : plan.get().nodes) {
            TestnetProcesses.processOf(n.pidFile(), n.directory().toString()).ifPresent(nodes::add);
        }
        nodes.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : nodes) {
            if (!await(h, TestnetProcesses.STOP_GRACE)) {
                h.destroyForcibly();
                await(h, Duration.ofSeconds(10));
            }
        }
        for (TestnetPlan.Node n : plan.get().nodes) {
            if (TestnetProcesses.processOf(n.pidFile(), n.directory().toString()).isEmpty()) {
                TestnetProcesses.deleteQuietly(n.pidFile());
            }
        }
        if (stopped == 0 && nodes.isEmpty()) {
            out.println("No testnet is running from " + dir + ".");
        } else {
            out.println("Testnet in " + dir + " stopped" + (nodes.isEmpty() ? "." : " (" + nodes.size()
                    + " node processes stopped directly)."));
        }
    }

    private static boolean await(ProcessHandle h, Duration timeout) throws InterruptedException {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "    " + String.join("\n    ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "    (cannot read it: " + e.getMessage() + ")";
        }
    }

    private static boolean removed(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shutdownInProgress) {
            return false;
        }
    }

    /** The progress line: redrawn in place on a terminal, printed when it changes into a pipe. */
    static final class StatusLine {
        private final PrintStream out;
        private final boolean terminal;
        private String last = "";
        private int width;

        StatusLine(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        void show(long seconds, String text) {
            String line = String.format("[%3d s] %s", seconds, text);
            if (terminal) {
                out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
            } else if (!text.equals(last)) {
                out.println(line);
            }
            last = text;
            out.flush();
        }

        void end() {
            if (terminal && width > 0) {
                out.println();
                width = 0;
            }
        }
    }
}
