package org.veilswarm.transport.onion.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.Future;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;

/**
 * Heap per idle established link: opens {@code -Dlinks=N} (default 1000) links on loopback in this JVM
 * (both ends: an initiator channel and a responder channel per link), collects garbage, and compares
 * heap used before and after. Run with {@code mvn -B -pl transports/onion -Psoak test}; the result goes
 * to docs/performance.md ("Onion links").
 */
@Tag("soak")
class LinkHeapSoakTest {
    private static final int BATCH = 50;

    @Test
    void heapPerIdleLink() throws Exception {
        int count = Integer.getInteger("links", 1000);
        LinkSettings settings = LinkSettings.defaults();
        RelayLinkKeys initiatorKeys = RelayLinkKeys.generate(Ed25519.generateKeyPair());
        try (LoopbackLinks loopback = new LoopbackLinks(RelayLinkKeys.generate(Ed25519.generateKeyPair()), settings)) {
            LoopbackLinks.Recorder initiator = new LoopbackLinks.Recorder();
            // Warm up: classes, TLS contexts, allocator arenas and the event loops exist before "before".
            List<Link> warm = open(loopback, initiatorKeys, settings, initiator, 100);
            long before = heapUsedAfterGc();
            long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();

            List<Link> links = open(loopback, initiatorKeys, settings, initiator, count);
            for (int i = 0; i < count + warm.size(); i++) {
                loopback.responder.nextLink();
            }
            long after = heapUsedAfterGc();
            long directAfter = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();

            assertEquals(count, links.stream().filter(l -> l.channel().isActive()).count(), "all links still open");
            String report = String.format("links=%d heapBefore=%d heapAfter=%d perLink(both ends)=%d B"
                    + " perEnd=%d B pooledDirectDelta=%d B", count, before, after, (after - before) / count,
                    (after - before) / count / 2, directAfter - directBefore);
            System.out.println("LinkHeapSoakTest: " + report);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "link-heap.txt"), report + "\n");
            links.forEach(Link::close);
            warm.forEach(Link::close);
        }
    }

    private static List<Link> open(LoopbackLinks loopback, RelayLinkKeys keys, LinkSettings settings,
            LoopbackLinks.Recorder recorder, int count) throws InterruptedException {
        List<Link> links = new ArrayList<>(count);
        for (int done = 0; done < count; done += BATCH) {
            List<Future<Link>> batch = new ArrayList<>();
            for (int i = done; i < Math.min(count, done + BATCH); i++) {
                batch.add(loopback.connect(loopback.responderKeys.identityKey(), keys, settings, recorder));
            }
            for (Future<Link> future : batch) {
                future.await();
                if (!future.isSuccess()) {
                    throw new AssertionError("link failed", future.cause());
                }
                links.add(future.getNow());
            }
        }
        return links;
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
