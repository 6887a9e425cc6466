package org.veilswarm.transport.onion.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.cell.Create2;
import org.veilswarm.transport.onion.cell.HandshakeType;
import org.veilswarm.transport.onion.crypto.NtorClient;
import org.veilswarm.transport.onion.crypto.NtorPublicKey;
import org.veilswarm.transport.onion.link.Link;

/**
 * Heap per idle one-hop circuit at a relay: a client sends {@code -Dcircuits} (default 10,000) CREATE2
 * cells over one link and keeps no state for them (the CREATED2 answers are dropped by its table), so
 * the heap delta is the relay's circuit state. Run with {@code mvn -B -pl transports/onion -Psoak test};
 * the result goes to target/circuit-heap.txt. Then the circuits sit idle for {@code -DidleSeconds} (default
 * 10) and the JVM's CPU time over that window is reported too: the idle cost of that many circuits.
 */
@Tag("soak")
class CircuitHeapSoakTest {
    @Test
    void heapPerIdleCircuitAtARelay() throws Exception {
        int count = Integer.getInteger("circuits", 10_000);
        try (OnionTestNetwork net = new OnionTestNetwork(1,
                // The admission limits are for abuse (RelayFloodTest); here one link opens every circuit at once.
                CircuitSettings.defaults().withMaxCircuitsPerLink(count + 1000).withCreateRate(1_000_000, 1_000_000)
                        .withMaxPendingCreates(count + 1000), CircuitSettings.defaults())) {
            OnionRelay relay = net.relay(0);
            Link link = net.connect(relay);
            CircuitTable table = CircuitTable.of(link);
            NtorPublicKey key = new NtorPublicKey(NtorIdentity.of(relay.identity()), relay.ntorOnionKey());
            send(table, key, 1, 500); // warm-up: classes, JIT, allocator arenas
            OnionTestNetwork.await(() -> relay.circuitEntries() == 500 && relay.pendingCreates() == 0,
                    "warm-up circuits");
            Thread.sleep(1000);
            long before = heapUsedAfterGc();
            Duration idleWindow = Duration.ofSeconds(Long.getLong("idleSeconds", 10));
            double idleCpuBefore = idleCpuShare(idleWindow);
            send(table, key, 501, count);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (relay.circuitEntries() < count + 500 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(count + 500, relay.circuitEntries());
            // Entries appear as soon as a CREATE2 is admitted; the handshakes finish on the worker later.
            while (relay.pendingCreates() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, relay.pendingCreates());
            Thread.sleep(1000); // the last handshake (well under a millisecond) and its CREATED2
            long after = heapUsedAfterGc();
            double idleCpu = idleCpuShare(idleWindow);
            String report = String.format("circuits=%d heapBefore=%d heapAfter=%d perCircuit(relay)=%d B"
                    + " idleCpu(whole JVM, %% of one core over %d s): %.2f%% with 500 circuits, %.2f%% with %d",
                    count, before, after, (after - before) / count, idleWindow.toSeconds(), idleCpuBefore * 100,
                    idleCpu * 100, count + 500);
            System.out.println("CircuitHeapSoakTest: " + report);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "circuit-heap.txt"), report + "\n");
        }
    }

    private static void send(CircuitTable table, NtorPublicKey key, int first, int count) {
        for (int i = first; i < first + count; i++) {
            table.write(new Create2(CircuitTable.INITIATOR_BIT | i, HandshakeType.NTOR,
                    NtorClient.start(key).clientHandshake()));
        }
    }

    /**
     * CPU time the whole JVM used while the circuits sat idle, as a share of one core: a relay keeps no
     * per-circuit timers, so this should not grow with the number of circuits.
     */
    private static double idleCpuShare(Duration window) throws InterruptedException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        Thread.sleep(window.toMillis());
        return (double) (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
