package org.veilswarm.transport.onion.throughput;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of the bench network's event-loop threads over one timed transfer. The relays and nodes of
 * {@link ServiceNetwork} each have one thread (with {@code benchLoops=node}), named after them, so a thread's
 * CPU time is what that relay or node spent on the transfer. On 2 cores the ten threads share the CPU and the
 * transfer rate is what the whole network's CPU allows; the busiest thread's CPU per MiB says instead how fast
 * the circuit would run if every node had a core of its own, as nodes of a real network have (the slowest node
 * bounds a circuit).
 */
final class LoopCpu {
    static final String THREAD_PREFIX = "bench-";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Map<String, Long> threadNanos;
    private final long processNanos;
    private final long wallNanos;

    private LoopCpu(Map<String, Long> threadNanos, long processNanos, long wallNanos) {
        this.threadNanos = threadNanos;
        this.processNanos = processNanos;
        this.wallNanos = wallNanos;
    }

    /** CPU time so far of every live bench event-loop thread, of the whole process, and the wall clock. */
    static LoopCpu now() {
        Map<String, Long> nanos = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(THREAD_PREFIX)) {
                long cpu = THREADS.getThreadCpuTime(thread.getId());
                if (cpu >= 0) {
                    // DefaultThreadFactory names threads <prefix>-<pool>-<thread>: the pool's name is the node's.
                    nanos.merge(thread.getName().replaceFirst("-\\d+-\\d+$", ""), cpu, Long::sum);
                }
            }
        }
        return new LoopCpu(nanos, OS.getProcessCpuTime(), System.nanoTime());
    }

    /** What the threads used from {@code before} to this snapshot, for {@code mebibytes} moved. */
    String since(LoopCpu before, double mebibytes) {
        long loops = 0;
        String busiest = "none";
        long busiestNanos = 0;
        for (Map.Entry<String, Long> entry : threadNanos.entrySet()) {
            long used = entry.getValue() - before.threadNanos.getOrDefault(entry.getKey(), 0L);
            loops += used;
            if (used > busiestNanos) {
                busiestNanos = used;
                busiest = entry.getKey();
            }
        }
        double wall = (wallNanos - before.wallNanos) / 1e9;
        if (Boolean.getBoolean("onion.service.benchCpuDetail")) {
            StringBuilder detail = new StringBuilder();
            threadNanos.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> detail.append(String.format(
                    Locale.ROOT, " %s %.0f%%", e.getKey().substring(THREAD_PREFIX.length()),
                    100 * (e.getValue() - before.threadNanos.getOrDefault(e.getKey(), 0L)) / 1e9 / wall)));
            System.out.println("BENCH   CPU detail:" + detail);
        }
        double process = (processNanos - before.processNanos) / 1e9;
        return String.format(Locale.ROOT, "process %.2f cores, event loops %.2f cores (%.0f ms CPU per MiB),"
                + " busiest %s %.0f %% of a core (%.1f ms per MiB: %.0f MiB/s at one core per node)",
                process / wall, loops / 1e9 / wall, loops / 1e6 / mebibytes, busiest, 100 * busiestNanos / 1e9 / wall,
                busiestNanos / 1e6 / mebibytes, busiestNanos == 0 ? 0.0 : mebibytes / (busiestNanos / 1e9));
    }
}
