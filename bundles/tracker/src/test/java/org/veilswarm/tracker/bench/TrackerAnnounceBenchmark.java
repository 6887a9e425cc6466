package org.veilswarm.tracker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.tracker.impl.FloorTrackerHandler;
import org.veilswarm.tracker.impl.TrackerServerInitializer;
import org.veilswarm.tracker.impl.TrackerService;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.interop.OpentrackerAccess;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackedShare;
import org.veilswarm.tracker.store.jdbc.JdbcTrackerStore;
import org.veilswarm.tracker.store.jdbc.PooledDataSources;
import org.veilswarm.tracker.store.jdbc.WriteBehindSettings;
import org.veilswarm.tracker.store.jdbc.WriteBehindTrackerStore;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

import com.zaxxer.hikari.HikariDataSource;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Announces per second on loopback, in one run: our tracker with the memory store, our tracker with the JDBC
 * store on an embedded H2 file as its component runs it by default (write-behind, {@code WriteBehindTrackerStore};
 * with {@code -Dbench.writeThrough=true} also without it), both on the direct transport, the same memory-store pipeline on a bare Netty
 * server whose single event loop accepts and serves (no transport: it shows what the transport's separate
 * acceptor thread costs), and Debian's opentracker, each driven by the same load generator
 * ({@link AnnounceLoad}) in a JVM of its own. Rounds rotate the order so that none always runs first (cold) or
 * last. Besides announces per second, which on a shared machine depend on how often each server's threads get
 * a core, it reports the server process's CPU time per announce (warm-up included), which does not.
 * Not part of the default build:
 * {@code cd bundles/tracker && mvn -B -o -Pbench test} (docs/performance.md, "Tracker announces").
 *
 * <p>Before the first round, each of our servers gets {@code bench.jit} ms of unmeasured load (20,000): at the
 * few thousand announces per second a loaded 2-core machine allows, C2 is still compiling and deoptimising the
 * request path after 15 s, and its CPU time would be charged to the announces.
 *
 * <p>System properties: {@code bench.rounds} (3), {@code bench.threads} (load threads, 4), {@code bench.jit},
 * {@code bench.warmup} and {@code bench.measure} (ms, 20,000, 5,000 and 10,000), {@code bench.writeThrough}
 * (false), {@code bench.floor} (false: Netty alone answering a fixed reply, our pipeline on bare epoll loops,
 * and our request handling alone on the floor's pipeline); {@code bench.jvm} adds options to the benchmark's JVM
 * (e.g. a JFR recording). The CPU table gives each server's share of user time ({@code utime} against
 * {@code stime} of /proc): the rest is the kernel's.
 */
@Tag("bench")
class TrackerAnnounceBenchmark {
    static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int THREADS = Integer.getInteger("bench.threads", 4);
    static final long JIT_WARM_UP_MILLIS = Long.getLong("bench.jit", 20_000);
    static final long WARM_UP_MILLIS = Long.getLong("bench.warmup", 5_000);
    static final long MEASURE_MILLIS = Long.getLong("bench.measure", 10_000);
    private static final Pattern RESULT = Pattern.compile(
            "announces=(\\d+) failed=(\\d+) .* per_second=([0-9.]+) total=(\\d+)");
    private static final String MEMORY = "veilswarm memory";
    private static final String H2 = "veilswarm H2";
    private static final String H2_THROUGH = "veilswarm H2 write-through";
    /** {@code -Dbench.writeThrough=true} adds the JDBC store without write-behind (every announce commits). */
    static final boolean WRITE_THROUGH = Boolean.getBoolean("bench.writeThrough");
    private static final String ONE_LOOP = "veilswarm memory, 1 loop";
    private static final String MEMORY_NIO = "veilswarm memory, NIO";
    private static final String MEMORY_ONE_SOCKET = "veilswarm memory, 1 socket";
    /**
     * {@code -Dbench.nio=true} adds the memory store on two other direct transports: forced to NIO
     * ({@code nativeTransport=false}), and epoll with one listening socket ({@code listenerPerLoop=false}).
     */
    static final boolean NIO = Boolean.getBoolean("bench.nio");
    /** {@code -Dbench.listenerPerLoop=false}: the transport's listeners accept on one socket even with epoll. */
    static final boolean LISTENER_PER_LOOP = Boolean.parseBoolean(System.getProperty("bench.listenerPerLoop", "true"));
    private static final String OPENTRACKER = "opentracker";
    /**
     * {@code -Dbench.floor=true} adds five servers: two that are only Netty (NettyFloorServer: one read, a fixed
     * answer, close), on one epoll loop and on two: what a connection costs before any tracker code runs; our
     * pipeline on the floor's two loops without the direct transport; and our request handling alone in the floor's
     * pipeline ({@link FloorTrackerHandler}) on one loop and on two: the leanest server our tracker's work allows.
     */
    static final boolean FLOOR = Boolean.getBoolean("bench.floor");
    private static final String FLOOR_ONE = "Netty floor, 1 loop";
    private static final String FLOOR_TWO = "Netty floor, 2 loops";
    private static final String BARE_TRACKER = "veilswarm memory, bare epoll";
    private static final String FLOOR_TRACKER_ONE = "tracker on the floor, 1 loop";
    private static final String FLOOR_TRACKER_TWO = "tracker on the floor, 2 loops";

    @TempDir
    Path dir;
    /** A copy of {@link AnnounceLoad}'s class: target/test-classes may be rebuilt by another build meanwhile. */
    private static Path loadClasses;

    /** A tracker under test and the process whose CPU time it uses. */
    private record Target(String name, int port, String path, long pid) {
    }

    /** What one load run measured. */
    private record Result(double perSecond, double cpuMicrosPerAnnounce, double userShare) {
    }

    @Test
    void announcesPerSecondOursVersusOpentracker() throws Exception {
        loadClasses = dir.resolve("load-classes");
        String classFile = AnnounceLoad.class.getName().replace('.', '/') + ".class";
        Path copy = loadClasses.resolve(classFile);
        Files.createDirectories(copy.getParent());
        try (var in = AnnounceLoad.class.getClassLoader().getResourceAsStream(classFile)) {
            Files.copy(in, copy);
        }
        ShareTokenTable tokens = new ShareTokenTable();
        String token = ShareTokenTable.newToken(new SecureRandom());
        tokens.put(token, new TrackedShare(Visibility.PUBLIC, Set.of(HASH)));
        String ourPath = "/public/" + token + "/announce";
        Files.createDirectories(dir.resolve("opentracker"));
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "load: %d threads in a separate JVM, one connection per announce, "
                + "%d ms of JIT warm-up per server of ours, then per target and round %d ms warm-up, %d ms measured%n"
                + "load average at the start: %s%n",
                THREADS, JIT_WARM_UP_MILLIS, WARM_UP_MILLIS, MEASURE_MILLIS, loadAverage()));
        DefaultEventExecutorGroup storeThreads = new DefaultEventExecutorGroup(4,
                new DefaultThreadFactory("bench-store", true));
        NioEventLoopGroup oneLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-one-loop", true));
        try (DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.builder()
                .maxConnections(100_000).nativeTransport(true).listenerPerLoop(LISTENER_PER_LOOP).build());
                DirectTransportEngine nioEngine = new DirectTransportEngine(DirectTransportSettings.builder()
                        .maxConnections(100_000).nativeTransport(false).build());
                DirectTransportEngine oneSocketEngine = new DirectTransportEngine(DirectTransportSettings.builder()
                        .maxConnections(100_000).nativeTransport(true).listenerPerLoop(!LISTENER_PER_LOOP).build());
                HikariDataSource h2 = PooledDataSources.open("jdbc:h2:file:" + dir.resolve("h2").resolve("tracker")
                        + ";DB_CLOSE_ON_EXIT=FALSE", "bench", "", 4);
                HikariDataSource h2Through = PooledDataSources.open("jdbc:h2:file:" + dir.resolve("h2-through")
                        .resolve("tracker") + ";DB_CLOSE_ON_EXIT=FALSE", "bench", "", 4);
                AutoCloseable opentracker = OpentrackerAccess.start(dir.resolve("opentracker"), List.of(HASH))) {
            Listener memory = engine.listen(null, 0, new TrackerServerInitializer(service(new MemoryTrackerStore(),
                    tokens))).toCompletableFuture().get(10, TimeUnit.SECONDS);
            // The JDBC store as the component runs it by default: write-behind over H2, called on store threads
            // (the component still says tracker.store.blocking=true).
            WriteBehindTrackerStore writeBehind = new WriteBehindTrackerStore(new JdbcTrackerStore(h2),
                    WriteBehindSettings.DEFAULT);
            // As TrackerServer decides: on the store threads only if its announces may block (write-behind: no).
            Listener jdbc = engine.listen(null, 0, new TrackerServerInitializer(service(writeBehind, tokens),
                    storeThreads, writeBehind::announceMayBlock)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Listener writeThrough = WRITE_THROUGH ? engine.listen(null, 0, new TrackerServerInitializer(service(
                    new JdbcTrackerStore(h2Through), tokens), storeThreads)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS) : null;
            Channel oneLoopServer = new ServerBootstrap().group(oneLoop).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new TrackerServerInitializer(service(new MemoryTrackerStore(), tokens)))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            long self = ProcessHandle.current().pid();
            List<Target> targets = new ArrayList<>(List.of(new Target(MEMORY, memory.address().port(), ourPath, self),
                    new Target(H2, jdbc.address().port(), ourPath, self),
                    new Target(ONE_LOOP, ((InetSocketAddress) oneLoopServer.localAddress()).getPort(), ourPath, self),
                    new Target(OPENTRACKER, OpentrackerAccess.port(opentracker), "/announce",
                            OpentrackerAccess.pid(opentracker))));
            if (writeThrough != null) {
                targets.add(2, new Target(H2_THROUGH, writeThrough.address().port(), ourPath, self));
            }
            if (NIO) {
                Listener nio = nioEngine.listen(null, 0, new TrackerServerInitializer(service(new MemoryTrackerStore(),
                        tokens))).toCompletableFuture().get(10, TimeUnit.SECONDS);
                targets.add(1, new Target(MEMORY_NIO, nio.address().port(), ourPath, self));
                Listener oneSocket = oneSocketEngine.listen(null, 0, new TrackerServerInitializer(service(
                        new MemoryTrackerStore(), tokens))).toCompletableFuture().get(10, TimeUnit.SECONDS);
                targets.add(2, new Target(LISTENER_PER_LOOP ? MEMORY_ONE_SOCKET : "veilswarm memory, socket per loop",
                        oneSocket.address().port(), ourPath, self));
            }
            List<AutoCloseable> floors = new ArrayList<>();
            if (FLOOR) {
                // The answer our memory tracker gives the load generator's request, so that both write as much.
                byte[] answer = NettyFloorServer.answerOf(memory.address().port(), ourPath + "?info_hash="
                        + AnnounceLoad.INFO_HASH + "&peer_id=-VS0001-000000000001&port=10001&uploaded=0"
                        + "&downloaded=0&left=1000&numwant=50&compact=1");
                NettyFloorServer one = NettyFloorServer.start(1, answer);
                NettyFloorServer two = NettyFloorServer.start(2, answer);
                // Our tracker pipeline on the floor's two loops without the direct transport around it.
                NettyFloorServer bare = NettyFloorServer.start(2, new TrackerServerInitializer(
                        service(new MemoryTrackerStore(), tokens)));
                floors.add(one);
                floors.add(two);
                floors.add(bare);
                // Our request handling alone (parse, memory store, encode) in the floor's one-handler pipeline.
                NettyFloorServer leanOne = NettyFloorServer.start(1, new FloorTrackerHandler(
                        service(new MemoryTrackerStore(), tokens)));
                NettyFloorServer leanTwo = NettyFloorServer.start(2, new FloorTrackerHandler(
                        service(new MemoryTrackerStore(), tokens)));
                floors.add(leanOne);
                floors.add(leanTwo);
                targets.add(targets.size() - 1, new Target(FLOOR_TRACKER_ONE, leanOne.port(), ourPath, self));
                targets.add(targets.size() - 1, new Target(FLOOR_TRACKER_TWO, leanTwo.port(), ourPath, self));
                targets.add(targets.size() - 1, new Target(BARE_TRACKER, bare.port(), ourPath, self));
                targets.add(targets.size() - 1, new Target(FLOOR_ONE, one.port(), ourPath, self));
                targets.add(targets.size() - 1, new Target(FLOOR_TWO, two.port(), ourPath, self));
                report.append(String.format(Locale.ROOT, "floor servers answer with %d bytes%n", answer.length));
            }
            report.append("direct transport I/O: ").append(engine.ioName())
                    .append(LISTENER_PER_LOOP ? ", one listening socket per loop" : ", one listening socket").append('\n');
            String separator = "\n|---|" + "---|".repeat(targets.size()) + "\n";
            report.append("\nannounces/s (ratio to opentracker in the same round)\n\n| round |");
            targets.forEach(t -> report.append(' ').append(t.name()).append(" |"));
            report.append(separator);
            StringBuilder cpu = new StringBuilder("\nserver CPU µs per announce (ratio to opentracker), share in user space\n\n| round |");
            targets.forEach(t -> cpu.append(' ').append(t.name()).append(" |"));
            cpu.append(separator);
            for (Target target : targets) {
                if (target.pid() == self) {
                    load(target, JIT_WARM_UP_MILLIS, 1_000);
                }
            }
            for (int round = 0; round < ROUNDS; round++) {
                Map<String, Result> results = new LinkedHashMap<>();
                for (int i = 0; i < targets.size(); i++) {
                    Target target = targets.get((i + round) % targets.size());
                    results.put(target.name(), load(target, WARM_UP_MILLIS, MEASURE_MILLIS));
                }
                Result ot = results.get(OPENTRACKER);
                report.append("| ").append(round + 1).append(" |");
                cpu.append("| ").append(round + 1).append(" |");
                for (Target t : targets) {
                    Result r = results.get(t.name());
                    report.append(String.format(Locale.ROOT, " %,.0f (%.2f) |", r.perSecond(),
                            r.perSecond() / ot.perSecond()));
                    cpu.append(String.format(Locale.ROOT, " %.1f (%.2f) %.0f%% user |", r.cpuMicrosPerAnnounce(),
                            r.cpuMicrosPerAnnounce() / ot.cpuMicrosPerAnnounce(), 100 * r.userShare()));
                }
                report.append('\n');
                cpu.append('\n');
                System.out.print(report.toString() + cpu);
            }
            report.append(cpu);
            report.append(String.format(Locale.ROOT, "%nload average at the end: %s%n", loadAverage()));
            oneLoopServer.close().sync();
            for (AutoCloseable floor : floors) {
                floor.close();
            }
            memory.close();
            jdbc.close();
            if (writeThrough != null) {
                writeThrough.close();
            }
            writeBehind.close();
            report.append(String.format(Locale.ROOT, "%nwrite-behind: %d flush transactions%n", writeBehind.flushes()));
        } finally {
            oneLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            storeThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        Files.writeString(Path.of("target", "bench-tracker-announces.txt"), report);
    }

    private static TrackerService service(TrackerStore store, ShareTokenTable tokens) {
        return new TrackerService(store, tokens, TrackerSettings.DEFAULT, Clock.systemUTC());
    }

    /** Runs {@link AnnounceLoad} against {@code target} in a child JVM. */
    private static Result load(Target target, long warmUpMillis, long measureMillis)
            throws IOException, InterruptedException {
        Duration cpuBefore = cpu(target.pid());
        long[] ticksBefore = userAndSystemTicks(target.pid());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx128m", "-cp", loadClasses.toString(), AnnounceLoad.class.getName(),
                Integer.toString(target.port()), target.path(), Integer.toString(THREADS),
                Long.toString(warmUpMillis), Long.toString(measureMillis)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(warmUpMillis + measureMillis + 60_000, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the load generator did not finish: " + output);
        }
        Matcher m = RESULT.matcher(output);
        if (!m.find()) {
            throw new AssertionError("the load generator said: " + output);
        }
        long done = Long.parseLong(m.group(1));
        long failed = Long.parseLong(m.group(2));
        if (failed > done / 100) {
            throw new AssertionError(target + ": " + failed + " failed announces, " + done + " answered: " + output);
        }
        Duration cpuUsed = cpu(target.pid()).minus(cpuBefore);
        long[] ticksAfter = userAndSystemTicks(target.pid());
        long user = ticksAfter[0] - ticksBefore[0];
        long system = ticksAfter[1] - ticksBefore[1];
        long total = Long.parseLong(m.group(4));
        return new Result(Double.parseDouble(m.group(3)), cpuUsed.toNanos() / 1e3 / Math.max(1, total),
                user + system == 0 ? Double.NaN : (double) user / (user + system));
    }

    /** The first three fields of /proc/loadavg (1, 5 and 15 minutes), or "unknown" where there is none. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * User and system CPU of a process so far, in clock ticks ({@code utime} and {@code stime} of
     * /proc/&lt;pid&gt;/stat, proc(5)); zeros where there is no /proc.
     */
    private static long[] userAndSystemTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may itself hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Total CPU time (user and system) of a process so far. */
    private static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                .orElseThrow(() -> new AssertionError("no CPU time for process " + pid));
    }
}
