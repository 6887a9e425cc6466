package org.veilswarm.share.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.share.impl.ShareTestSupport.freePort;
import static org.veilswarm.share.impl.ShareTestSupport.random;
import static org.veilswarm.share.impl.ShareTestSupport.sha256;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.swarm.choker.HierarchicalRateLimiter;
import org.veilswarm.swarm.engine.ForwardingTransport;
import org.veilswarm.swarm.engine.RateLimiter;
import org.veilswarm.swarm.engine.TorrentSession;

/**
 * Three nodes over 127.0.0.1: A shares, B downloads and seeds, then C downloads while A uploads slowly and C's dials
 * to B fail for 3 seconds from the first one (as rendezvous did in a testnet run over circuits through a relay that
 * had just restarted): the metadata fetch's dial and the torrent's first dial. C must dial B again while A keeps it busy, not
 * wait for the tracker's next answer half an hour on: B serves part of it.
 */
class FailedPeerRedialTest extends NodesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int FOLDER_BYTES = 6 << 20;

    @Test
    void aPeerWhoseFirstDialFailedIsDialledAgainAndServesPartOfTheDownload() throws Exception {
        RateLimiter[] aLimit = {RateLimiter.UNLIMITED};
        a = new TestNode(tmp.resolve("a-data"), freePort(), t -> t, bytes -> aLimit[0].reserve(bytes));
        b = new TestNode(tmp.resolve("b-data"), freePort());
        int bPeerPort = b.peerPort;
        AtomicInteger dialsToB = new AtomicInteger();
        AtomicInteger failedToB = new AtomicInteger();
        c = new TestNode(tmp.resolve("c-data"), freePort(),
                t -> new FailingDials(t, bPeerPort, Duration.ofSeconds(3), dialsToB, failedToB), RateLimiter.UNLIMITED);

        Path folder = tmp.resolve("src/holiday");
        Files.createDirectories(folder.resolve("sub"));
        Files.write(folder.resolve("a.bin"), random(FOLDER_BYTES / 2, 1));
        Files.write(folder.resolve("sub/b.bin"), random(FOLDER_BYTES / 2, 2));
        Share share = a.shares.create(folder, ShareOptions.defaults(), (done, total) -> { });
        String link = share.privateLink().orElseThrow().format();
        await(b, b.downloads.add(link, tmp.resolve("b-downloads")).id());
        // A's tracker must list B as a seeder before C asks it (B's COMPLETED announce).
        long end = System.nanoTime() + WAIT.toNanos();
        InfoHash hash = InfoHash.ofHex(share.id());
        while (seeders(a, hash) < 2) {
            assertTrue(System.nanoTime() < end, "A's tracker never listed B");
            Thread.sleep(50);
        }

        // A now sends at 256 KiB/s: alone it would need 24 s for C's 6 MiB.
        aLimit[0] = HierarchicalRateLimiter.root(256 << 10, 64 << 10, System::nanoTime)::reserve;
        Download cDone = await(c, c.downloads.add(link, tmp.resolve("c-downloads")).id());
        assertEquals(share.totalBytes(), cDone.completedBytes());
        for (String file : new String[] {"a.bin", "sub/b.bin"}) {
            assertEquals(sha256(folder.resolve(file)), sha256(tmp.resolve("c-downloads/holiday").resolve(file)), file);
        }
        assertTrue(failedToB.get() >= 1 && dialsToB.get() > failedToB.get(), "C dialled B " + dialsToB.get()
                + " time(s), " + failedToB.get() + " failed: the failed dials were never followed by another");
        long bUploaded = b.engine.torrents().stream().mapToLong(t -> t.stats().uploaded()).sum();
        assertTrue(bUploaded > 0, "B uploaded nothing to C; C's torrents: "
                + c.engine.torrents().stream().map(TorrentSession::stats).toList());
    }

    private static long seeders(TestNode node, InfoHash hash) {
        return java.util.stream.Stream.of(hash, hash.truncated()).mapToLong(h -> node.store.scrape(List.of(h))
                .getOrDefault(h, new SwarmCounts(0, 0, 0)).complete()).max().orElse(0);
    }

    private static Download await(TestNode node, String id) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        Download d = node.downloads.get(id).orElseThrow();
        while (System.nanoTime() < end) {
            d = node.downloads.get(id).orElseThrow();
            if (d.state() == DownloadState.SEEDING || d.state() == DownloadState.FAILED) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(DownloadState.SEEDING, d.state(), d.error().orElse("") + "; " + d.completedBytes() + " of "
                + d.totalBytes() + " bytes");
        return d;
    }

    /**
     * The direct transport, but dials to one port fail for a while from the first one on, as onion dials do while
     * circuits break (timed from the first dial, not from the download's start, so a slow machine cannot let the
     * first dial through).
     */
    private static final class FailingDials extends ForwardingTransport {
        private final int failingPort;
        private final Duration failFor;
        private final AtomicLong firstDial = new AtomicLong();
        private final AtomicInteger dials;
        private final AtomicInteger failed;

        FailingDials(Transport inner, int failingPort, Duration failFor, AtomicInteger dials, AtomicInteger failed) {
            super(inner);
            this.failingPort = failingPort;
            this.failFor = failFor;
            this.dials = dials;
            this.failed = failed;
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
            if (to.port() == failingPort) {
                long now = System.nanoTime();
                dials.incrementAndGet();
                firstDial.compareAndSet(0, now);
                if (now - firstDial.get() < failFor.toNanos()) {
                    failed.incrementAndGet();
                    return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.OTHER,
                            "injected: rendezvous circuit failed"));
                }
            }
            return inner.connect(to, initializer);
        }
    }
}
