package org.veilswarm.share.impl;

import static org.veilswarm.share.impl.ShareTestSupport.freePort;
import static org.veilswarm.share.impl.ShareTestSupport.random;
import static org.veilswarm.share.impl.ShareTestSupport.sha256;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.share.api.ShareLinkException;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.ShareState;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;

/** Two nodes in one JVM, everything real over 127.0.0.1: share on A, download by link on B. */
class TwoNodeShareTest extends NodesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private void startNodes() throws Exception {
        a = new TestNode(tmp.resolve("a-data"), freePort());
        b = new TestNode(tmp.resolve("b-data"), freePort());
    }

    @Test
    void bDownloadsByLinkMatchesEveryFileThenSeedsAndIsListedByA() throws Exception {
        startNodes();
        Path folder = folder("holiday", 3 << 20);
        long[] progress = new long[2];
        Share share = a.shares.create(folder, ShareOptions.defaults(), (done, total) -> {
            progress[0] = done;
            progress[1] = total;
        });
        assertEquals(ShareState.SEEDING, share.state(), share.error().orElse(""));
        assertEquals(progress[1], progress[0], "hashing reported its end");
        assertEquals(Files.walk(folder).filter(Files::isRegularFile).count(), share.fileCount());
        ShareLink link = share.privateLink().orElseThrow();
        assertEquals(a.trackerEndpoint(), link.tracker());

        Path into = tmp.resolve("b-downloads");
        Download added = b.downloads.add(link.format(), into);
        Download done = await(b, added.id(), DownloadState.SEEDING);
        assertEquals(share.totalBytes(), done.completedBytes());
        assertEquals(share.id(), done.infoHash().orElseThrow());
        assertEquals(digests(folder), digests(into.resolve("holiday")));

        InfoHash hash = InfoHash.ofHex(share.id());
        // A's tracker lists B as a second seeder (B announced itself as complete to the source).
        awaitTrue(() -> scrape(b, link.tracker(), link, hash).complete() >= 2, "A's tracker lists two seeders");
        // B now tracks the torrent too, under the same token.
        ShareLink atB = new ShareLink(b.trackerEndpoint(), Visibility.PRIVATE, link.token());
        awaitTrue(() -> scrape(a, atB.tracker(), atB, hash).complete() >= 1, "B's tracker lists a seeder");
    }

    @Test
    void aRestartKeepsTheShareWorkingUnderTheSameLink() throws Exception {
        startNodes();
        Path file = tmp.resolve("alone.bin");
        Files.write(file, random(1_500_000, 7));
        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        Path shareFile = a.dataDir.resolve("shares").resolve(share.id() + ".share");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shareFile)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shareFile.getParent())));

        a.stop();
        a.start();
        Share restored = a.shares.get(share.id()).orElseThrow();
        assertEquals(share.privateLink(), restored.privateLink());
        assertEquals(ShareState.SEEDING, restored.state(), restored.error().orElse(""));
        // TestNode starts every time on a new, empty memory store: the share puts its record back, so a node
        // without a database (the tracker-memory feature) keeps its shares' records across restarts.
        assertEquals("alone.bin", a.store.torrent(org.veilswarm.api.tracker.InfoHash.ofHex(share.id())).orElseThrow()
                .name());

        Download d = b.downloads.add(share.privateLink().orElseThrow().format(), tmp.resolve("b"));
        await(b, d.id(), DownloadState.SEEDING);
        assertEquals(sha256(file), sha256(tmp.resolve("b").resolve("alone.bin")));
    }

    /**
     * The tracker store replaced under a seeding share and a seeding download (the memory store's bundle updated or
     * reinstalled, as with the tracker-memory feature, or the memory store standing in while the JDBC store is
     * updated): the new store knows nothing, so both put their records into it again.
     */
    @Test
    void aTrackerStoreReplacedUnderASeedingShareAndDownloadGetsTheirRecords() throws Exception {
        startNodes();
        Path file = tmp.resolve("swapped.bin");
        Files.write(file, random(1_000_000, 11));
        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        Download d = b.downloads.add(share.privateLink().orElseThrow().format(), tmp.resolve("b"));
        await(b, d.id(), DownloadState.SEEDING);
        org.veilswarm.api.tracker.InfoHash hash = org.veilswarm.api.tracker.InfoHash.ofHex(share.id());
        awaitTrue(() -> b.store.torrent(hash).isPresent(), "B tracks what it seeds");

        a.swapStore();
        b.swapStore();
        awaitTrue(() -> a.store.torrent(hash).isPresent(), "A's share record in A's new store");
        awaitTrue(() -> b.store.torrent(hash).isPresent(), "B's download record in B's new store");
        assertEquals("swapped.bin", a.store.torrent(hash).orElseThrow().name());
        assertEquals(1, a.store.search("swapped", 10).size(), "A's new store finds the share by name");
        assertEquals(Visibility.PRIVATE, b.store.torrent(hash).orElseThrow().visibility());
    }

    @Test
    void publishingGivesAWorkingPublicLinkAndRevokingThePrivateOneMakesIt404() throws Exception {
        startNodes();
        Path folder = folder("docs", 1 << 20);
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        ShareLink privateLink = share.privateLink().orElseThrow();
        Share published = a.shares.publish(share.id(), true);
        ShareLink publicLink = published.publicLink().orElseThrow();
        assertEquals(Visibility.PUBLIC, publicLink.visibility());
        assertFalse(publicLink.token().equals(privateLink.token()));
        assertTrue(published.privateLink().isEmpty());
        assertEquals(publicLink, published.link().orElseThrow());

        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> client(b).scrape(scrapeUrl(privateLink), List.of()).get(10, TimeUnit.SECONDS));
        assertTrue(gone.getCause().getMessage().contains("404"), gone.getCause().getMessage());
        Download revoked = b.downloads.add(privateLink.format(), tmp.resolve("b-revoked"));
        Download failed = await(b, revoked.id(), DownloadState.FAILED);
        assertEquals("the source has no share under this link: it was revoked or removed, or the link is mistyped "
                + "(HTTP 404)", failed.error().orElseThrow());
        assertTrue(b.downloads.remove(revoked.id(), false));

        Download d = b.downloads.add(publicLink.format(), tmp.resolve("b"));
        await(b, d.id(), DownloadState.SEEDING);
        assertEquals(digests(folder), digests(tmp.resolve("b").resolve("docs")));

        // The public state survives a restart too.
        a.stop();
        a.start();
        Share restored = a.shares.get(share.id()).orElseThrow();
        assertEquals(Optional(publicLink), restored.publicLink());
        assertTrue(restored.privateLink().isEmpty());
    }

    @Test
    void removingAShareRevokesItsLinkAndForgetsIt() throws Exception {
        startNodes();
        Path folder = folder("gone", 200_000);
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        ShareLink link = share.privateLink().orElseThrow();
        assertTrue(a.shares.remove(share.id()));
        assertFalse(a.shares.remove(share.id()));
        assertTrue(a.shares.list().isEmpty());
        ExecutionException gone = assertThrows(ExecutionException.class,
                () -> client(b).scrape(scrapeUrl(link), List.of()).get(10, TimeUnit.SECONDS));
        assertTrue(gone.getCause().getMessage().contains("404"), gone.getCause().getMessage());
        assertTrue(Files.exists(folder.resolve("a.bin")), "the shared files are left alone");
        a.stop();
        a.start();
        assertTrue(a.shares.list().isEmpty(), "a removed share stays removed after a restart");
    }

    @Test
    void cancellingTheHashingCreatesNoShare() throws Exception {
        startNodes();
        Path folder = folder("big", 4 << 20);
        ShareProgressListener cancelAtOnce = new ShareProgressListener() {
            public void progress(long done, long total) {
            }

            public boolean cancelled() {
                return true;
            }
        };
        assertThrows(CancellationException.class, () -> a.shares.create(folder, ShareOptions.defaults(), cancelAtOnce));
        assertTrue(a.shares.list().isEmpty());
    }

    @Test
    void badLinksAndUnreachableHostsGetClearErrors() throws Exception {
        startNodes();
        ShareLinkException malformed = assertThrows(ShareLinkException.class,
                () -> b.downloads.add("http://127.0.0.1/files/abc", tmp.resolve("x")));
        assertTrue(malformed.getMessage().contains("/private/ or /public/"), malformed.getMessage());
        String onion = "http://pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion:80/private/"
                + "AAAAAAAAAAAAAAAAAAAAAAAA";
        ShareException unreachable = assertThrows(ShareException.class, () -> b.downloads.add(onion, tmp.resolve("x")));
        assertTrue(unreachable.getMessage().contains("no bound transport reaches"), unreachable.getMessage());
        // A well-formed link whose token the source does not know fails with the tracker's answer.
        ShareLink unknown = new ShareLink(a.trackerEndpoint(), Visibility.PRIVATE, "BBBBBBBBBBBBBBBBBBBBBBBB");
        Download d = b.downloads.add(unknown.format(), tmp.resolve("x"));
        Download failed = await(b, d.id(), DownloadState.FAILED);
        assertTrue(failed.error().orElseThrow().contains("404"), failed.error().orElseThrow());
        // A node asked to download its own share refuses instead of running the torrent twice.
        Share own = a.shares.create(folder("own", 100_000), ShareOptions.defaults(), ShareProgressListener.NONE);
        Download self = a.downloads.add(own.privateLink().orElseThrow().format(), tmp.resolve("self"));
        Download refused = await(a, self.id(), DownloadState.FAILED);
        assertTrue(refused.error().orElseThrow().contains("already has this torrent"), refused.error().orElseThrow());
        ShareException noShare = assertThrows(ShareException.class, () -> a.shares.publish("00", false));
        assertTrue(noShare.getMessage().contains("no share"));
    }

    @Test
    void aPausedDownloadResumesAndCompletes() throws Exception {
        startNodes();
        Path folder = folder("paused", 2 << 20);
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        Download d = b.downloads.add(share.privateLink().orElseThrow().format(), tmp.resolve("b"));
        Download paused = b.downloads.pause(d.id());
        assertEquals(DownloadState.PAUSED, paused.state());
        assertEquals(d.id(), b.downloads.add(share.privateLink().orElseThrow().format(), tmp.resolve("b")).id(),
                "adding a link again returns its download");
        Thread.sleep(300);
        assertEquals(DownloadState.PAUSED, b.downloads.get(d.id()).orElseThrow().state(), "stays paused");
        b.downloads.resume(d.id());
        await(b, d.id(), DownloadState.SEEDING);
        assertEquals(digests(folder), digests(tmp.resolve("b").resolve("paused")));
        assertTrue(b.downloads.remove(d.id(), true));
        assertFalse(Files.exists(tmp.resolve("b").resolve("paused")), "files deleted on request");
        assertTrue(b.downloads.list().isEmpty());
    }

    /**
     * A folder holding one file makes a single-file torrent: BEP 52 cannot say "a folder of one file", and libtorrent
     * reads such a tree as that file alone, stored under its own name. A seeded from the folder's parent and found
     * nothing (the share failed: "0 of N pieces verify"); and B, removing the download with its files, deleted a
     * path made of the torrent's name, which for a single-file torrent is only advisory (here the folder's name: an
     * unrelated folder of that name in B's directory went, the downloaded file stayed).
     */
    @Test
    void aFolderHoldingOneFileIsSharedDownloadedAndRemovedWithOnlyItsFile() throws Exception {
        startNodes();
        Path folder = tmp.resolve("src").resolve("lonely");
        Files.createDirectories(folder);
        Files.write(folder.resolve("only.bin"), random(700_000, 9));
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        assertEquals(ShareState.SEEDING, share.state(), share.error().orElse(""));

        Path into = tmp.resolve("b-one");
        Path unrelated = into.resolve("lonely");
        Files.createDirectories(unrelated);
        Files.write(unrelated.resolve("keep.txt"), random(10, 1));
        Download d = b.downloads.add(share.privateLink().orElseThrow().format(), into);
        await(b, d.id(), DownloadState.SEEDING);
        assertEquals(digests(folder).get("only.bin"), digests(into).get("only.bin"), "stored under its own name");
        assertTrue(b.downloads.remove(d.id(), true));
        assertFalse(Files.exists(into.resolve("only.bin")), "the downloaded file is deleted");
        assertTrue(Files.exists(unrelated.resolve("keep.txt")), "nothing but what the torrent stored is deleted");
    }

    /**
     * Downloads survive a restart: a complete one seeds again from its saved metainfo and resume data even while
     * the source is down (B's tracker lists B under the link's token), a paused one stays paused and completes when
     * resumed after the restart; both records are owner-only.
     */
    @Test
    void aRestartedNodeKeepsSeedingItsCompleteDownloadsAndResumesPausedOnes() throws Exception {
        startNodes();
        Path folder = folder("kept", 1 << 20);
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        ShareLink link = share.privateLink().orElseThrow();
        Download done = b.downloads.add(link.format(), tmp.resolve("b"));
        await(b, done.id(), DownloadState.SEEDING);
        Path record = b.dataDir.resolve("downloads").resolve(done.id() + ".download");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
        assertTrue(Files.isRegularFile(b.dataDir.resolve("downloads").resolve(done.id() + ".torrent")));

        Path other = tmp.resolve("other.bin");
        Files.write(other, random(700_000, 12));
        ShareLink otherLink = a.shares.create(other, ShareOptions.defaults(), ShareProgressListener.NONE)
                .privateLink().orElseThrow();
        Download paused = b.downloads.add(otherLink.format(), tmp.resolve("b2"));
        assertEquals(DownloadState.PAUSED, b.downloads.pause(paused.id()).state());

        a.stop(); // the source is gone: B seeds from what it has
        b.stop();
        b.start();
        Download restored = await(b, done.id(), DownloadState.SEEDING);
        assertEquals(share.totalBytes(), restored.completedBytes());
        assertEquals(digests(folder), digests(tmp.resolve("b").resolve("kept")));
        InfoHash hash = InfoHash.ofHex(share.id());
        ShareLink atB = new ShareLink(b.trackerEndpoint(), Visibility.PRIVATE, link.token());
        awaitTrue(() -> scrape(b, atB.tracker(), atB, hash).complete() >= 1, "B's tracker lists B as a seeder");
        assertEquals(DownloadState.PAUSED, b.downloads.get(paused.id()).orElseThrow().state(),
                "a paused download stays paused across a restart");

        a.start();
        b.downloads.resume(paused.id());
        await(b, paused.id(), DownloadState.SEEDING);
        assertEquals(sha256(other), sha256(tmp.resolve("b2").resolve("other.bin")));
        b.stop();
        b.start();
        assertEquals(DownloadState.SEEDING, await(b, paused.id(), DownloadState.SEEDING).state(),
                "resumed, it is no longer paused after the next restart");
    }

    @Test
    void aShareWhoseFilesChangedWhileStoppedIsFailedWithTheReason() throws Exception {
        startNodes();
        Path folder = folder("changing", 1 << 20);
        Share share = a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE);
        a.stop();
        byte[] changed = random(1 << 19, 99);
        Files.write(folder.resolve("a.bin"), changed);
        a.start();
        Share restored = a.shares.get(share.id()).orElseThrow();
        assertEquals(ShareState.FAILED, restored.state());
        assertTrue(restored.error().orElseThrow().contains("changed or are missing"), restored.error().orElseThrow());
        assertEquals(share.privateLink(), restored.privateLink(), "the link is kept; the owner may put the files back");
    }

    private static <T> java.util.Optional<T> Optional(T value) {
        return java.util.Optional.of(value);
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private Path folder(String name, int bytes) throws IOException {
        Path root = tmp.resolve("src").resolve(name);
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.write(root.resolve("a.bin"), random(bytes / 2, 1));
        Files.write(root.resolve("sub/b.bin"), random(bytes / 4, 2));
        Files.write(root.resolve("sub/deeper/c.bin"), random(bytes / 4 - 1000, 3));
        Files.write(root.resolve("sub/small.txt"), random(1000, 4));
        return root;
    }

    private static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), sha256(p));
            }
        }
        return out;
    }

    private static Download await(TestNode node, String id, DownloadState wanted) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        Download d = node.downloads.get(id).orElseThrow();
        while (System.nanoTime() < end) {
            d = node.downloads.get(id).orElseThrow();
            if (d.state() == wanted) {
                return d;
            }
            if (d.state() == DownloadState.FAILED) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("download is " + d.state() + " (" + d.error().orElse("") + "), wanted " + wanted
                + "; " + d.completedBytes() + " of " + d.totalBytes() + " bytes, torrents: "
                + node.engine.torrents().stream().map(t -> t.stats().toString()).toList());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never: " + what);
    }

    private static TrackerClient client(TestNode from) {
        return new TrackerClient(from.transport::connect, Duration.ofSeconds(10));
    }

    private static TrackerUrl scrapeUrl(ShareLink link) {
        return new TrackerUrl(link.tracker(), ShareService.prefix(link.visibility(), link.token()) + "scrape");
    }

    private static SwarmCounts scrape(TestNode from, org.veilswarm.api.transport.TransportAddress tracker,
            ShareLink link, InfoHash hash) {
        try {
            Map<InfoHash, SwarmCounts> counts = client(from).scrape(scrapeUrl(link), List.of(hash.truncated()))
                    .get(10, TimeUnit.SECONDS);
            return counts.getOrDefault(hash.truncated(), new SwarmCounts(0, 0, 0));
        } catch (Exception e) {
            return new SwarmCounts(0, 0, 0);
        }
    }
}
