package org.veilswarm.tracker.mirror;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.tracker.mirror.MirrorNode.StoreKind;

/**
 * Propagation of peer changes from A to a mirror B over loopback TCP (real tracker pipelines, the store on both
 * sides memory or H2), measured two ways:
 * <ul>
 * <li>one at a time: announce on A (over HTTP), wait until B's store shows it; latency per change, and body
 * bytes per change when every change travels in a batch of its own;</li>
 * <li>a burst: {@code bench.burst} announces as fast as A takes them, then the time until B has all, and the
 * body bytes per change when batches fill up.</li>
 * </ul>
 * Bytes are those of the signed documents (HTTP headers, about 150 bytes per request and answer, not
 * counted). Run: {@code cd bundles/tracker && mvn -B -o -Pbench test -Dtest=MirrorPropagationBenchmark}
 * (docs/performance.md, "Tracker mirroring"). System properties: {@code bench.changes} (500),
 * {@code bench.burst} (2,000).
 */
@Tag("bench")
class MirrorPropagationBenchmark {
    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(closeLater);
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void propagation(StoreKind kind) throws Exception {
        int changes = Integer.getInteger("bench.changes", 500);
        int burst = Integer.getInteger("bench.burst", 2_000);
        MirrorNode a = MirrorNode.of(kind, dir, "a").listen();
        closeLater.add(a);
        MirrorNode b = MirrorNode.of(kind, dir, "b").listen();
        closeLater.add(b);
        String token = a.newShare(Visibility.PRIVATE, MirrorLoopbackTest.HASH);
        a.store.putTorrent(MirrorLoopbackTest.record(MirrorLoopbackTest.HASH, "bench"));
        TrackerMirror mirror = new TrackerMirror(a.link(Visibility.PRIVATE, token), b.engine::connect, b.store,
                b.identity, new MirrorCursorFile(dir.resolve("cursor")), MirrorLoopbackTest.FAST,
                s -> b.tokens.put(token, s)).start();
        closeLater.add(mirror);
        MirrorLoopbackTest.awaitNanos("snapshot", () -> mirror.status().snapshots() == 1);

        // Warm-up: the JIT, the pools, H2's caches.
        for (int peer = 1; peer <= 100; peer++) {
            a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, peer, AnnounceEvent.STARTED);
            int expected = peer;
            MirrorLoopbackTest.awaitNanos("warm-up", () -> MirrorLoopbackTest.peers(b.store,
                    MirrorLoopbackTest.HASH) == expected);
        }
        for (int peer = 1; peer <= 100; peer++) {
            a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, peer, AnnounceEvent.STOPPED);
        }
        MirrorLoopbackTest.awaitNanos("warm-up done", () -> MirrorLoopbackTest.peers(b.store,
                MirrorLoopbackTest.HASH) == 0);

        long bytes0 = mirror.status().bytes();
        long changes0 = mirror.status().changes();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < changes; i++) {
            int peer = 1_000 + i;
            a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, peer, AnnounceEvent.STARTED);
            int expected = i + 1;
            latencies.add(MirrorLoopbackTest.awaitNanos("change " + i, () -> MirrorLoopbackTest.peers(b.store,
                    MirrorLoopbackTest.HASH) == expected));
        }
        long singleBytes = mirror.status().bytes() - bytes0;
        long singleChanges = mirror.status().changes() - changes0;
        Collections.sort(latencies);

        long bytes1 = mirror.status().bytes();
        long changes1 = mirror.status().changes();
        long start = System.nanoTime();
        for (int i = 0; i < burst; i++) {
            a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, 1_000 + i % changes,
                    AnnounceEvent.NONE);
        }
        long announced = System.nanoTime();
        long target = a.store.headSequence();
        while (mirror.status().sequence() < target) {
            Thread.sleep(1);
        }
        long caughtUp = System.nanoTime();
        long burstBytes = mirror.status().bytes() - bytes1;
        long burstChanges = mirror.status().changes() - changes1;
        System.out.printf("MIRROR %s: one at a time: %d changes, latency median %.1f ms, p99 %.1f ms, max %.1f ms, "
                + "%.0f bytes/change; burst of %d announces in %.2f s: B caught up %.0f ms after the last, "
                + "%d changes in %d bytes = %.0f bytes/change%n", kind, latencies.size(),
                latencies.get(latencies.size() / 2) / 1e6, latencies.get((int) (latencies.size() * 0.99)) / 1e6,
                latencies.get(latencies.size() - 1) / 1e6, (double) singleBytes / singleChanges, burst,
                (announced - start) / 1e9, (caughtUp - announced) / 1e6, burstChanges, burstBytes,
                (double) burstBytes / burstChanges);
    }
}
