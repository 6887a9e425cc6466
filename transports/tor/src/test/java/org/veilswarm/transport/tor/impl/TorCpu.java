package org.veilswarm.transport.tor.impl;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of the tor processes this JVM started (the private network's authorities and relays, and the nodes'
 * tors) over one timed transfer, for comparison with the native bench's {@code LoopCpu} lines: how busy C tor
 * was while it moved the file, and how fast its busiest process could go if CPU were what held it back.
 */
final class TorCpu {
    private final Map<Long, Long> cpuNanos;

    private TorCpu(Map<Long, Long> cpuNanos) {
        this.cpuNanos = cpuNanos;
    }

    /** CPU time so far (user + system, all threads) of every live descendant process. */
    static TorCpu now() {
        Map<Long, Long> nanos = new HashMap<>();
        ProcessHandle.current().descendants().forEach(process -> process.info().totalCpuDuration()
                .ifPresent(cpu -> nanos.put(process.pid(), cpu.toNanos())));
        return new TorCpu(nanos);
    }

    /** Cores the processes kept busy from {@code before} to this snapshot, {@code seconds} apart, moving nothing. */
    String idleSince(TorCpu before, double seconds) {
        long all = usedSince(before).values().stream().mapToLong(Long::longValue).sum();
        return String.format(Locale.ROOT, "tor processes %.3f cores", all / 1e9 / seconds);
    }

    /**
     * What the processes used from {@code before} to this snapshot, for {@code mebibytes} moved in
     * {@code transferSeconds}; {@code names} labels known processes (the nodes' tors), the others are the private
     * network's relays and authorities (authorities relay too).
     */
    String since(TorCpu before, double mebibytes, double transferSeconds, Map<Long, String> names) {
        long all = 0;
        long busiestPid = -1;
        long busiestNanos = 0;
        for (Map.Entry<Long, Long> entry : usedSince(before).entrySet()) {
            all += entry.getValue();
            if (entry.getValue() > busiestNanos) {
                busiestNanos = entry.getValue();
                busiestPid = entry.getKey();
            }
        }
        String busiest = names.getOrDefault(busiestPid, "network tor " + busiestPid);
        return String.format(Locale.ROOT, "tor processes %.2f cores (%.0f ms CPU per MiB), busiest %s %.0f %% of a core"
                + " (%.1f ms per MiB: %.0f MiB/s if CPU were its limit)", all / 1e9 / transferSeconds,
                all / 1e6 / mebibytes, busiest, 100 * busiestNanos / 1e9 / transferSeconds, busiestNanos / 1e6 / mebibytes,
                busiestNanos == 0 ? 0.0 : mebibytes / (busiestNanos / 1e9));
    }

    /** CPU nanoseconds per process since {@code before}; processes started in between are not the network's. */
    private Map<Long, Long> usedSince(TorCpu before) {
        Map<Long, Long> used = new HashMap<>();
        cpuNanos.forEach((pid, nanos) -> {
            Long earlier = before.cpuNanos.get(pid);
            if (earlier != null) {
                used.put(pid, nanos - earlier);
            }
        });
        return used;
    }
}
