package org.veilswarm.launcher.cli;

import java.io.File;
import java.io.IOException;
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

/**
 * The node processes of a testnet: each a {@code veilswarm run} in its own JVM (its own Felix), started by
 * the supervisor with {@code --exit-with <supervisor pid>} so that none outlives it, its output appended to
 * {@code node-<i>/logs/node.log} and its process id in {@code node-<i>/node.pid}.
 *
 * <p>Stopping is SIGTERM first (the node's shutdown hook stops its framework cleanly, releasing ports and the
 * data directory), and SIGKILL only for a node still running after {@link #STOP_GRACE}.
 */
final class TestnetProcesses {

    /**
     * JVM flags of a testnet node, the small-footprint profile of docs/performance.md ("Node memory"): issue #8
     * asks for at most 128 MB RSS per node. What each buys, measured on a 2-core machine:
     * <ul>
     * <li>{@code -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30}: the heap starts small and grows only
     * as the live set needs. With {@code -Xmx128m} alone the initial heap is the whole 128 MB (1/64 of RAM is
     * more), and SerialGC fills the old generation up to it before its first full collection, so ~70 MB of a
     * node's RSS was heap with ~30 MB live. {@code -Xmx128m} stays as the ceiling (64 MiB downloads, bundle
     * updates);</li>
     * <li>{@code -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1}: C1 only, one compiler thread. Many nodes start at
     * once on few cores, and C2's compilations were half of a node's start-up CPU (4.1 s against 2.2 s to a
     * listening console) and ~25 MB of its RSS; a testnet's traffic does not need C2's peak speed;</li>
     * <li>{@code io.netty.allocator.numDirectArenas=0, numHeapArenas=0}: no pooled arenas, so Netty's pooled
     * allocator (the default one, and the onion links') hands out unpooled buffers, freed when released. The pool
     * kept 1 MiB chunks that were mostly empty (5 heap chunks live in a relay that had served a share) and per-thread
     * caches; without it a relay is 2-4 MB smaller at ready and the serving node 4-8 MB at its peak (session 8),
     * with downloads and the onion bench as fast and up to ~10 % more CPU (docs/performance.md);</li>
     * <li>{@code -XX:MaxNewSize=4m}: the young generation grew with the heap to ~9 MB (a third of it), every
     * page of it touched between collections; capped at 4 MB, young collections come more often (each copies the
     * few survivors) and a node's RSS is ~5 MB lower;</li>
     * <li>{@code -XX:TrimNativeHeapInterval=5000}: the JVM returns glibc's free memory to the kernel every 5 s
     * (the JIT's and class loading's freed arenas); a product flag from 17.0.9 on, and
     * {@code -XX:+IgnoreUnrecognizedVMOptions} lets an older Java 17 start without it;</li>
     * <li>{@code -XX:ReservedCodeCacheSize=6m}: C1's code grew to 10-13 MB, most of it start-up code (bundle
     * resolution, SCR, XML, Jetty) never run again. With a 6 MB code cache Java 17's sweeper flushes methods not
     * seen on a stack lately once less than 10 % is free (StartAggressiveSweepingAt), so the code cache holds what
     * runs now: 4-6 MB less at ready, 5-12 MB at a serving node's peak (session 8; the cache stayed at 5.7-6.0 MB
     * used and C1 never stopped: Compiler.codecache full_count=0). The price: flushed methods are compiled again
     * (1.6-2x the compilations, ~1 s more start-up CPU). Java 20 and later have no sweeper; measured on 17 only;</li>
     * <li>{@code MALLOC_ARENA_MAX=2} (environment, {@link #MALLOC_ARENA_MAX}): glibc's per-thread malloc arenas
     * for some fifty threads.</li>
     * </ul>
     * VEILSWARM_TESTNET_JAVA_OPTS replaces the flags (not the environment variable: set MALLOC_ARENA_MAX yourself
     * to change that).
     */
    static final String DEFAULT_JAVA_OPTS = "-Xms16m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
            + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+ExitOnOutOfMemoryError"
            + " -Dio.netty.allocator.numDirectArenas=0 -Dio.netty.allocator.numHeapArenas=0"
            + " -XX:MaxNewSize=4m -XX:ReservedCodeCacheSize=6m"
            + " -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000";
    /** glibc malloc arenas of a node, unless the supervisor's environment sets MALLOC_ARENA_MAX itself. */
    static final String MALLOC_ARENA_MAX = "2";
    /** Environment variable replacing {@link #DEFAULT_JAVA_OPTS}. */
    static final String JAVA_OPTS_VARIABLE = "VEILSWARM_TESTNET_JAVA_OPTS";
    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Map<TestnetPlan.Node, Process> running = new LinkedHashMap<>();

    /** Starts node {@code n} of the plan. */
    synchronized Process start(Path home, TestnetPlan.Node n, List<String> features) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        String opts = Optional.ofNullable(System.getenv(JAVA_OPTS_VARIABLE)).filter(v -> !v.isBlank())
                .orElse(DEFAULT_JAVA_OPTS);
        command.addAll(List.of(opts.trim().split("\\s+")));
        command.add("-Dveilswarm.home=" + home);
        command.addAll(List.of("-cp", home.resolve("lib") + File.separator + "*", VeilswarmCli.class.getName(), "run",
                "--data", n.directory().toString(),
                "--port", Integer.toString(n.consolePort()),
                "--host", "127.0.0.1",
                "--features", String.join(",", features),
                "--deploy", n.directory().resolve("deploy").toString(),
                "--tracker-port", Integer.toString(n.trackerPort()),
                "--swarm-port", Integer.toString(n.swarmPort()),
                "--config", n.configFile().toString(),
                "--exit-with", Long.toString(ProcessHandle.current().pid())));
        Files.writeString(n.logFile(), "---- " + java.time.Instant.now() + " " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).directory(n.directory().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
        Process p = builder.start();
        running.put(n, p);
        Files.writeString(n.pidFile(), p.pid() + "\n", StandardCharsets.US_ASCII);
        return p;
    }

    synchronized Map<TestnetPlan.Node, Process> running() {
        return Map.copyOf(running);
    }

    /** SIGTERM to every node at once, then waits for each; SIGKILL for those still running after the grace. */
    void stopAll() {
        Map<TestnetPlan.Node, Process> all;
        synchronized (this) {
            all = new LinkedHashMap<>(running);
        }
        all.values().forEach(Process::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        all.forEach((n, p) -> {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            if (!p.isAlive()) {
                deleteQuietly(n.pidFile());
            }
        });
    }

    /** The java launcher running this JVM, so nodes run on the same Java as the CLI. */
    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover pid file names a process that is gone; `testnet stop` checks before acting on it.
        }
    }

    /**
     * The process a pid file names, if it still runs and is what the file says (its command line mentions
     * {@code mustMention}): a pid reused by an unrelated process is never signalled.
     */
    static Optional<ProcessHandle> processOf(Path pidFile, String mustMention) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(mustMention)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
