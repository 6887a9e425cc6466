package org.veilswarm.share.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.share.impl.ShareTestSupport.freePort;
import static org.veilswarm.share.impl.ShareTestSupport.random;
import static org.veilswarm.share.impl.ShareTestSupport.sha256;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.swarm.choker.HierarchicalRateLimiter;
import org.veilswarm.swarm.engine.RateLimiter;

/**
 * The source of a download goes away in the middle of it and comes back: the download says it is stalled instead of
 * "downloading at 0 B/s", and goes on by itself once the source is back. Two nodes over 127.0.0.1; A, the source,
 * restarts on a new peer port (the tracker's stays), so B finds it again only by asking A's tracker: the stalled
 * download's extra announce, not the periodic one (the tracker's interval is many minutes).
 */
class StalledDownloadTest extends NodesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Longer than the engine's 5 s rate window, so a stalled download's rate is 0, as with the default 30 s. */
    private static final Duration STALL_AFTER = Duration.ofSeconds(6);
    private static final Duration STALL_REANNOUNCE = Duration.ofSeconds(3);

    @Test
    void aDownloadWhoseSourceIsGoneIsStalledAndGoesOnWhenTheSourceComesBack() throws Exception {
        RateLimiter[] aLimit = {RateLimiter.UNLIMITED};
        a = new TestNode(tmp.resolve("a-data"), freePort(), t -> t, bytes -> aLimit[0].reserve(bytes));
        b = new TestNode(tmp.resolve("b-data"), freePort());
        b.downloads.close();
        b.downloads = new DownloadService(b.context, DownloadService.PEER_WAIT, DownloadService.METADATA_TIMEOUT,
                STALL_AFTER, STALL_REANNOUNCE);
        b.downloads.start();

        Path folder = tmp.resolve("src/trip");
        Files.createDirectories(folder);
        Files.write(folder.resolve("one.bin"), random(2 << 20, 31));
        Files.write(folder.resolve("two.bin"), random(2 << 20, 32));
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        // 128 KiB/s: B would need ~32 s for the 4 MiB, so A goes away with most of it still to send.
        aLimit[0] = HierarchicalRateLimiter.root(128 << 10, 32 << 10, System::nanoTime)::reserve;
        String id = b.downloads.add(share.privateLink().orElseThrow().format(), tmp.resolve("b")).id();
        Download started = await(id, d -> d.completedBytes() > 0, "some verified bytes");
        assertEquals(DownloadState.DOWNLOADING, started.state());

        a.stop();
        Download stalled = await(id, d -> d.state() == DownloadState.STALLED, "stalled");
        assertEquals(0, stalled.peers(), "no peer left once the source stopped");
        assertTrue(stalled.completedBytes() < stalled.totalBytes(), stalled.toString());
        assertEquals(0, stalled.downloadRate(), stalled.toString());
        assertTrue(stalled.eta().isEmpty(), "no ETA while nothing arrives");

        aLimit[0] = RateLimiter.UNLIMITED;
        a.start();
        await(id, d -> d.state() == DownloadState.SEEDING, "seeding");
        for (String file : new String[] {"one.bin", "two.bin"}) {
            assertEquals(sha256(folder.resolve(file)), sha256(tmp.resolve("b/trip").resolve(file)), file);
        }
    }

    /** A download whose source was down when it was added fails at once; resuming it (the console's Retry) works. */
    @Test
    void aDownloadThatFailedBecauseTheSourceWasDownIsRetriedByResume() throws Exception {
        a = new TestNode(tmp.resolve("a-data"), freePort());
        b = new TestNode(tmp.resolve("b-data"), freePort());
        Path file = tmp.resolve("src/notes.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, random(1 << 20, 33));
        String link = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE).privateLink()
                .orElseThrow().format();
        a.stop();
        String id = b.downloads.add(link, tmp.resolve("b")).id();
        Download failed = await(id, d -> d.state() == DownloadState.FAILED, "failed", true);
        assertTrue(failed.error().isPresent(), failed.toString());

        a.start();
        b.downloads.resume(id);
        await(id, d -> d.state() == DownloadState.SEEDING, "seeding");
        assertEquals(sha256(file), sha256(tmp.resolve("b/notes.bin")));
    }

    private Download await(String id, Predicate<Download> wanted, String what) throws InterruptedException {
        return await(id, wanted, what, false);
    }

    private Download await(String id, Predicate<Download> wanted, String what, boolean failureWanted)
            throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        Download d = b.downloads.get(id).orElseThrow();
        while (System.nanoTime() < end) {
            d = b.downloads.get(id).orElseThrow();
            if (wanted.test(d)) {
                return d;
            }
            if (d.state() == DownloadState.FAILED && !failureWanted) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never " + what + ": " + d);
    }
}
