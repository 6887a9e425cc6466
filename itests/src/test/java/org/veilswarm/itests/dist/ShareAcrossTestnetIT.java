package org.veilswarm.itests.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.itests.support.CliRun;
import org.veilswarm.itests.support.ConsoleClient;
import org.veilswarm.itests.support.Distribution;
import org.veilswarm.itests.support.Json;
import org.veilswarm.itests.support.RunningTestnet;
import org.veilswarm.itests.support.RunningTestnet.Node;

/**
 * Issue #8's end-to-end test, with real distribution processes: {@code veilswarm testnet --nodes 6} (native onion
 * transport, three directory authorities, no direct transport); node A shares a folder (files in sub-folders)
 * with {@code veilswarm share}; node B downloads it by its link over native onion services through its REST API
 * ({@code POST /api/downloads}); while B downloads, B's tracker store bundle is uninstalled and installed again
 * and B's onion transport bundle is updated ({@code POST /api/bundles/{id}/update}), and the download completes
 * with no verified piece lost: B's verified byte count never goes down, and what B received in all equals the
 * folder (plus a small allowance for blocks in flight), so nothing verified was fetched twice. Every file
 * matches by SHA-256. Then B seeds, and node C downloads the same link from A and B at once: both A's and B's
 * upload totals ({@code GET /api/stats}) grow during C's download, together by at least the folder's size.
 *
 * <p>The folder is issue #8's {@value #DEFAULT_MIB} MiB, also in the default suite (16 MiB until session 8, when the
 * whole test took 120-140 s with 64; docs/performance.md, "End-to-end download (testnet)");
 * {@code -Dveilswarm.itests.e2e.mib=N} chooses another size. The test prints the times, rates, the longest stall
 * of each download (when, at how many bytes, with how many peers) and every node's RSS at ready and at its peak
 * during the downloads ({@code ShareAcrossTestnetIT figures:}).
 */
class ShareAcrossTestnetIT {
    private static final int DEFAULT_MIB = 64;
    private static final int NODES = 6;
    private static final int AUTHORITIES = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(300);
    /** The share waits up to onionWaitSeconds (120 s by default) for the tracker's onion service. */
    private static final Duration SHARE_TIMEOUT = Duration.ofSeconds(240);
    private static final Pattern ONION_LINK = Pattern.compile(
            "http://([a-z2-7]{56}\\.onion):(\\d+)/private/[A-Za-z0-9_-]+");
    /**
     * What a node may receive beyond the folder: blocks of pieces in progress when the circuits dropped, end-game
     * duplicates (with K services per share a seeder is several peers). Seen: 0-2.3 MiB for 16 MiB, 0-0.2 MiB for 64.
     * Kept below the ⅜ of the folder verified before the bundle changes, so re-fetching those would fail.
     */
    private static long receiveAllowance(long folderBytes) {
        return (2L << 20) + folderBytes / 8;
    }

    private RunningTestnet testnet;

    @AfterEach
    void leaveNothingRunning() throws InterruptedException {
        if (testnet != null) {
            testnet.close();
        }
    }

    @Test
    void aFolderSharedOnOneNodeIsDownloadedOverOnionServicesThroughBundleUpdatesAndThenFromTwoSeeders()
            throws Exception {
        int mib = Integer.getInteger("veilswarm.itests.e2e.mib", DEFAULT_MIB);
        long folderBytes = (long) mib << 20;
        Duration downloadTimeout = Duration.ofSeconds(240 + 8L * mib);
        Path veilswarm = Distribution.home().resolve("bin/veilswarm");
        Path work = Distribution.freshDirectory("e2e");
        long started = System.nanoTime();
        // -Dveilswarm.itests.e2e.javaOpts="..." runs the nodes with other JVM flags (the memory table in
        // docs/performance.md); without it they get the testnet's defaults.
        String javaOpts = System.getProperty("veilswarm.itests.e2e.javaOpts", "");
        // -Dveilswarm.itests.e2e.features=core,...,tracker,share runs the nodes with other features (e.g. the
        // tracker on H2: docs/performance.md, "Node memory"); the churn then reinstalls that feature's store.
        String features = System.getProperty("veilswarm.itests.e2e.features", "");
        testnet = RunningTestnet.start(veilswarm, work.resolve("testnet"), NODES, AUTHORITIES, READY_TIMEOUT,
                javaOpts.isBlank() ? Map.of() : Map.of("VEILSWARM_TESTNET_JAVA_OPTS", javaOpts),
                features.isBlank() ? List.of() : List.of("--features", features));
        Map<String, Long> rssAtReady = testnet.rssKiB();
        Map<String, Long> rssPeak = new TreeMap<>(rssAtReady);
        Node a = testnet.node(4);
        Node b = testnet.node(5);
        Node c = testnet.node(6);

        // 1. A shares a folder: several files, two levels of sub-folders.
        Path folder = work.resolve("shared/holiday");
        Map<String, String> sha = writeFolder(folder, folderBytes);
        long shareStarted = System.nanoTime();
        CliRun share = CliRun.run(SHARE_TIMEOUT, veilswarm, "share", folder.toString(), "--yes", "--data",
                a.directory().toString());
        long shareMillis = millisSince(shareStarted);
        assertEquals(0, share.exit(), share.output() + "\n--- A's log ---\n" + a.logTail(40));
        String link = share.output().strip().lines().reduce((x, y) -> y).orElse("");
        Matcher onionLink = ONION_LINK.matcher(link);
        assertTrue(onionLink.matches(), "the last line of veilswarm share is no onion link:\n" + share.output());
        assertEquals(a.address(), onionLink.group(1), "the link names A's onion address");

        // 2. B downloads by the link; meanwhile B's tracker store goes and comes back and its onion transport is
        // updated. Verified bytes must never go down, and B must not receive what it had verified again.
        Path bDir = work.resolve("downloads-b");
        Map<String, Object> bAdded = postJson(b, "/api/downloads", "{\"link\":" + quote(link) + ",\"dir\":"
                + quote(bDir.toString()) + "}", 201);
        String bId = (String) bAdded.get("id");
        long bStarted = System.nanoTime();
        Progress bProgress = new Progress(b, bId, List.of(a));
        BundleChurn churn = null;
        while (true) {
            Map<String, Object> d = bProgress.poll(downloadTimeout, rssPeak);
            long verified = number(d, "completedBytes");
            long total = number(d, "totalBytes");
            if (churn == null && "DOWNLOADING".equals(d.get("state")) && total > 0 && verified >= total * 3 / 8) {
                churn = BundleChurn.on(b, bProgress);
                continue;
            }
            if ("SEEDING".equals(d.get("state"))) {
                break;
            }
        }
        long bMillis = millisSince(bStarted);
        assertTrue(churn != null, "the download finished before the bundle changes could be made mid-way: "
                + bProgress.history());
        assertTrue(churn.verifiedAfter < bProgress.total, "B's download was already complete when the onion "
                + "transport's update returned, so the update did not happen mid-download: " + churn);
        bProgress.assertNeverWentDown();
        assertFilesEqual(sha, bDir.resolve(folder.getFileName()), "B");
        assertBundleActive(b, churn.onionId, "the updated onion transport");
        assertBundleActive(b, churn.storeNewId, "the reinstalled tracker store");
        // What B received over the whole download, read from a statistics sample taken after it completed.
        long bCompletedAt = System.currentTimeMillis();
        Map<String, Object> bStats = sampleAfter(b, bCompletedAt);
        long bReceived = number(bStats, "downloadedBytes");
        assertTrue(bReceived >= folderBytes, "B's stats count less than the folder received: " + bStats);
        assertTrue(bReceived <= folderBytes + receiveAllowance(folderBytes), "B received " + bReceived + " bytes for a "
                + folderBytes + "-byte folder: verified pieces were fetched again after the bundle changes ("
                + churn + ")");
        long receivedAfterUpdate = bReceived - churn.receivedBefore;
        long missingAtUpdate = bProgress.total - churn.verifiedBefore;
        assertTrue(receivedAfterUpdate <= missingAtUpdate + receiveAllowance(folderBytes), "after the update B received "
                + receivedAfterUpdate + " bytes while only " + missingAtUpdate + " were missing (" + churn + ")");

        // 3. B seeds; C downloads the link from A and B at once. B's COMPLETED announce must have reached A's
        // tracker before C asks it for peers (else C's first announce lists A only, and the next comes 30 min on).
        testnet.await("B's announce as a seeder to A's tracker (log line 'announced completed')", Duration.ofSeconds(120),
                () -> b.logTail(Integer.MAX_VALUE).lines().filter(l -> l.contains("announced completed") && l.contains(a.address()))
                        .findFirst());
        long aUploadedBefore = number(sampleAfter(a, bCompletedAt), "uploadedBytes");
        long bUploadedBefore = number(sampleAfter(b, bCompletedAt), "uploadedBytes");
        Path cDir = work.resolve("downloads-c");
        Map<String, Object> cAdded = postJson(c, "/api/downloads", "{\"link\":" + quote(link) + ",\"dir\":"
                + quote(cDir.toString()) + "}", 201);
        long cStarted = System.nanoTime();
        Progress cProgress = new Progress(c, (String) cAdded.get("id"), List.of(a, b));
        while (!"SEEDING".equals(cProgress.poll(downloadTimeout, rssPeak).get("state"))) {
            // polling: poll() waits between requests
        }
        long cMillis = millisSince(cStarted);
        long cCompletedAt = System.currentTimeMillis();
        cProgress.assertNeverWentDown();
        assertFilesEqual(sha, cDir.resolve(folder.getFileName()), "C");
        long aUploaded = number(sampleAfter(a, cCompletedAt), "uploadedBytes") - aUploadedBefore;
        long bUploaded = number(sampleAfter(b, cCompletedAt), "uploadedBytes") - bUploadedBefore;
        assertTrue(aUploaded > 0 && bUploaded > 0, "C should have received pieces from both A and B; during C's"
                + " download A uploaded " + aUploaded + " bytes and B " + bUploaded + " (C's peers seen: "
                + cProgress.maxPeers + ")\n--- C's log ---\n" + c.logTail(40));
        assertTrue(aUploaded + bUploaded >= folderBytes, "A and B uploaded " + (aUploaded + bUploaded)
                + " bytes during C's download of " + folderBytes);
        Map<String, Long> rssAfter = testnet.rssKiB();
        rssAfter.forEach((n, v) -> rssPeak.merge(n, v, Math::max));
        // A generous bound that catches a leak (a node holding the folder in memory, say), not a target.
        rssPeak.forEach((n, kib) -> assertTrue(kib < 400 * 1024, n + " peaked at " + kib + " KiB RSS"));

        System.out.printf(Locale.ROOT, "ShareAcrossTestnetIT figures: %d nodes (%d authorities) ready in %.1f s;"
                + " folder %d MiB (%d files) shared on A in %.1f s (CLI start to link);"
                + " B from A by link: %.1f s (%.2f MiB/s, POST to SEEDING; store bundle reinstalled and onion transport"
                + " updated with %d%% verified (%d%% when the update returned), %d ms for the three calls; longest stall"
                + " %s);"
                + " B received %d bytes (folder %d; after the update %d of %d missing);"
                + " C from A+B: %.1f s (%.2f MiB/s; A sent %d, B sent %d bytes; max peers %d; longest stall %s);"
                + " RSS KiB at ready %s; peak %s; after %s; whole test %.0f s; node JVM flags: %s; features: %s%n",
                NODES, AUTHORITIES, testnet.readyMillis() / 1e3, mib, sha.size(), shareMillis / 1e3,
                bMillis / 1e3, mib / (bMillis / 1e3), churn.verifiedBefore * 100 / bProgress.total,
                churn.verifiedAfter * 100 / bProgress.total, churn.callMillis,
                bProgress.longestStall, bReceived, folderBytes, receivedAfterUpdate, missingAtUpdate,
                cMillis / 1e3, mib / (cMillis / 1e3), aUploaded, bUploaded, cProgress.maxPeers, cProgress.longestStall,
                rssAtReady, rssPeak,
                rssAfter, millisSince(started) / 1e3, javaOpts.isBlank() ? "testnet defaults" : javaOpts,
                features.isBlank() ? "testnet defaults" : features);

        // 4. Stop: no process of the testnet is left.
        CliRun stop = CliRun.run(Duration.ofSeconds(120), veilswarm, "testnet", "stop", "--dir",
                testnet.directory().toString());
        assertEquals(0, stop.exit(), stop.output());
        testnet.close();
        assertTrue(testnet.processes().isEmpty(), "processes of the testnet left: " + testnet.processes());
    }

    /**
     * A download followed through {@code GET /api/downloads/{id}}: each answer is kept, and the verified byte count
     * must never go down between two answers.
     */
    private final class Progress {
        private final Node node;
        private final String id;
        /** The nodes it downloads from: their logs go into a failure's message too. */
        private final List<Node> sources;
        private final long started = System.nanoTime();
        private final List<long[]> points = new ArrayList<>(); // {epoch millis, completedBytes}
        private String wentDown;
        long total;
        int maxPeers;
        long longestStallMillis;
        /** The longest stall: when it began (UTC) and the fewest and most peers the download reported in it. */
        String longestStall = "none";
        private long lastGrowth = System.nanoTime();
        private long lastGrowthEpochMillis = System.currentTimeMillis();
        private int stallMinPeers = Integer.MAX_VALUE;
        private int stallMaxPeers;
        private Map<String, Object> last;

        Progress(Node node, String id, List<Node> sources) {
            this.node = node;
            this.id = id;
            this.sources = sources;
        }

        /** The downloading node's log tail and its sources' (swarm and onion lines show why a peer failed). */
        private String logs() {
            StringBuilder s = new StringBuilder("\n--- " + node.name() + "'s log (downloading) ---\n"
                    + node.logTail(80));
            for (Node source : sources) {
                s.append("\n--- ").append(source.name()).append("'s log (a source) ---\n").append(source.logTail(40));
            }
            return s.toString();
        }

        /** Waits a moment, then reads the download; fails on FAILED or after {@code timeout} from the start. */
        Map<String, Object> poll(Duration timeout, Map<String, Long> rssPeak) throws IOException, InterruptedException {
            Thread.sleep(250);
            if (System.nanoTime() - started > timeout.toNanos()) {
                fail(node.name() + "'s download did not complete within " + timeout.toSeconds() + " s: " + history()
                        + "; last answer: " + last + logs());
            }
            testnet.nodes().forEach(n -> rssPeak.merge(n.name(), n.rssKiB(), Math::max));
            ConsoleClient.Reply reply = node.console().get("/api/downloads/" + URLEncoder.encode(id,
                    StandardCharsets.UTF_8), node.bearer());
            assertEquals(200, reply.status(), node.name() + ": " + reply);
            Map<String, Object> d = reply.object();
            last = d;
            long verified = number(d, "completedBytes");
            total = Math.max(total, number(d, "totalBytes"));
            int peers = (int) number(d, "peers");
            maxPeers = Math.max(maxPeers, peers);
            long now = System.nanoTime();
            if (!points.isEmpty()) {
                long before = points.get(points.size() - 1)[1];
                if (verified < before && wentDown == null) {
                    wentDown = "from " + before + " to " + verified + " bytes";
                }
                if (verified > before) {
                    lastGrowth = now;
                    lastGrowthEpochMillis = System.currentTimeMillis();
                    stallMinPeers = Integer.MAX_VALUE;
                    stallMaxPeers = 0;
                }
            }
            if (verified < number(d, "totalBytes") || total == 0) {
                stallMinPeers = Math.min(stallMinPeers, peers);
                stallMaxPeers = Math.max(stallMaxPeers, peers);
            }
            long stallMillis = TimeUnit.NANOSECONDS.toMillis(now - lastGrowth);
            if (stallMillis > longestStallMillis) {
                longestStallMillis = stallMillis;
                longestStall = String.format(Locale.ROOT, "%.1f s from %s at %d bytes, peers %d-%d", stallMillis / 1e3,
                        java.time.Instant.ofEpochMilli(lastGrowthEpochMillis).toString().substring(11, 19), verified,
                        Math.min(stallMinPeers, stallMaxPeers), stallMaxPeers);
            }
            points.add(new long[] {System.currentTimeMillis(), verified});
            if ("FAILED".equals(d.get("state"))) {
                fail(node.name() + "'s download failed: " + d + logs());
            }
            return d;
        }

        /** The verified bytes of the newest answer read at or before {@code epochMillis} (0 if none). */
        long verifiedAtOrBefore(long epochMillis) {
            long v = 0;
            for (long[] p : points) {
                if (p[0] <= epochMillis) {
                    v = p[1];
                }
            }
            return v;
        }

        void assertNeverWentDown() {
            assertTrue(wentDown == null, node.name() + "'s verified bytes went down " + wentDown + ": " + history());
        }

        String history() {
            StringBuilder s = new StringBuilder();
            long last = -1;
            for (long[] p : points) {
                if (p[1] != last) {
                    s.append(p[0] % 1_000_000).append(':').append(p[1]).append(' ');
                    last = p[1];
                }
            }
            return s.toString();
        }
    }

    /**
     * On a downloading node: {@code DELETE} the tracker store bundle and install it again from its location, then
     * {@code POST /api/bundles/{onion}/update} (from its own location). Records the verified and received bytes
     * just before, and the verified bytes once the update returned.
     */
    private record BundleChurn(long verifiedBefore, long receivedBefore, long verifiedAfter, long onionId,
            long storeNewId, long callMillis) {
        static BundleChurn on(Node node, Progress progress) throws IOException, InterruptedException {
            List<Object> bundles = node.console().get("/api/bundles", node.bearer()).array();
            // The journal store (the default tracker-journal feature), the JDBC store (tracker) or the memory
            // store (tracker-memory): whichever store bundle the node runs.
            String storeArtifact = List.of("tracker-store-journal", "tracker-store-jdbc", "tracker-store-memory")
                    .stream().filter(artifact -> bundles.stream().anyMatch(b -> b instanceof Map<?, ?> m
                            && ("org.veilswarm." + artifact).equals(m.get("symbolicName"))))
                    .findFirst().orElseThrow(() -> new AssertionError("no tracker store bundle on the node"));
            Map<String, Object> store = bundle(bundles, "org.veilswarm." + storeArtifact);
            Map<String, Object> onion = bundle(bundles, "org.veilswarm.onion");
            // Received bytes from the newest statistics sample (taken every few seconds), and verified bytes as
            // this test saw them at or before that sample's time: verified bytes only grow, so the bytes still
            // missing then are at least total minus that figure.
            Map<String, Object> stats = latestSample(node);
            long receivedBefore = number(stats, "downloadedBytes");
            long verifiedBefore = progress.verifiedAtOrBefore(number(stats, "time"));
            long t0 = System.nanoTime();
            long storeId = number(store, "id");
            ConsoleClient.Reply removed = node.console().delete("/api/bundles/" + storeId, node.bearer());
            assertEquals(200, removed.status(), "uninstalling the tracker store: " + removed);
            // The launcher's own locations (veilswarm:bundle:...) are no URLs the console can read from: install
            // and update from the distribution's jars.
            Map<String, Object> reinstalled = Json.object(expect(node.console().postJson("/api/bundles",
                    "{\"url\":" + quote(distributionJar(storeArtifact).toUri().toString())
                            + ",\"start\":true}", node.bearer()), 201, "installing the tracker store again").body());
            long onionId = number(onion, "id");
            expect(node.console().postJson("/api/bundles/" + onionId + "/update", "{\"url\":"
                    + quote(distributionJar("onion").toUri().toString()) + "}", node.bearer()), 200,
                    "updating the onion transport");
            long callMillis = millisSince(t0);
            long verifiedAfter = number(progress.poll(Duration.ofDays(1), new TreeMap<>()), "completedBytes");
            return new BundleChurn(verifiedBefore, receivedBefore, verifiedAfter, onionId, number(reinstalled, "id"),
                    callMillis);
        }
    }

    /** The distribution's jar of our artifact {@code artifactId} (bundles/org/veilswarm/&lt;a&gt;/&lt;v&gt;/&lt;a&gt;-&lt;v&gt;.jar). */
    private static Path distributionJar(String artifactId) throws IOException {
        Path dir = Distribution.home().resolve("bundles/org/veilswarm").resolve(artifactId);
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(f -> f.getFileName().toString().startsWith(artifactId + "-")
                    && f.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + artifactId + " jar under " + dir));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> bundle(List<Object> bundles, String symbolicName) {
        return bundles.stream().map(o -> (Map<String, Object>) o).filter(m -> symbolicName.equals(m.get("symbolicName")))
                .findFirst().orElseThrow(() -> new AssertionError("no bundle " + symbolicName + " in " + bundles));
    }

    private void assertBundleActive(Node node, long id, String what) throws InterruptedException {
        testnet.await(what + " (bundle " + id + ") on " + node.name() + " to be ACTIVE", Duration.ofSeconds(30), () -> {
            try {
                ConsoleClient.Reply r = node.console().get("/api/bundles/" + id, node.bearer());
                return r.status() == 200 && "ACTIVE".equals(r.object().get("state")) ? Optional.of(r) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** The newest statistics sample of {@code node}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> latestSample(Node node) throws IOException {
        Map<String, Object> stats = expect(node.console().get("/api/stats", node.bearer()), 200, "stats").object();
        List<Object> samples = (List<Object>) stats.get("samples");
        if (samples == null || samples.isEmpty()) {
            return Map.of("time", BigDecimal.ZERO, "uploadedBytes", BigDecimal.ZERO, "downloadedBytes", BigDecimal.ZERO);
        }
        return (Map<String, Object>) samples.get(samples.size() - 1);
    }

    /** The newest statistics sample of {@code node} once one was taken after {@code epochMillis} (+ 1 s). */
    private Map<String, Object> sampleAfter(Node node, long epochMillis) throws InterruptedException {
        return testnet.await(node.name() + "'s statistics sample after " + epochMillis, Duration.ofSeconds(60), () -> {
            try {
                Map<String, Object> s = latestSample(node);
                return number(s, "time") > epochMillis + 1000 ? Optional.of(s) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private static Map<String, Object> postJson(Node node, String path, String json, int status) throws IOException {
        return expect(node.console().postJson(path, json, node.bearer()), status, node.name() + " POST " + path).object();
    }

    private static ConsoleClient.Reply expect(ConsoleClient.Reply reply, int status, String what) {
        assertEquals(status, reply.status(), what + ": " + reply);
        return reply;
    }

    private static long number(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (!(v instanceof BigDecimal n)) {
            throw new AssertionError("no number \"" + field + "\" in " + json);
        }
        return n.longValue();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /**
     * Writes a folder of {@code bytes} bytes in five files, two of them two levels down, with pseudo-random
     * content (fixed seed), and answers each file's SHA-256 by its path relative to the folder.
     */
    private static Map<String, String> writeFolder(Path folder, long bytes) throws Exception {
        Map<String, Long> files = new LinkedHashMap<>();
        files.put("README.txt", 3_000L);
        files.put("video.bin", bytes / 2);
        files.put("photos/beach.bin", bytes / 4);
        files.put("photos/2026/dinner.bin", bytes / 8);
        files.put("notes/plan.bin", bytes - bytes / 2 - bytes / 4 - bytes / 8 - 3_000L);
        Random random = new Random(8);
        Map<String, String> sha = new TreeMap<>();
        byte[] chunk = new byte[1 << 16];
        for (Map.Entry<String, Long> f : files.entrySet()) {
            Path file = folder.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long left = f.getValue(); left > 0; ) {
                    random.nextBytes(chunk);
                    int n = (int) Math.min(chunk.length, left);
                    out.write(chunk, 0, n);
                    digest.update(chunk, 0, n);
                    left -= n;
                }
            }
            sha.put(f.getKey(), HexFormat.of().formatHex(digest.digest()));
        }
        return sha;
    }

    private static void assertFilesEqual(Map<String, String> expected, Path downloaded, String who) throws Exception {
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(downloaded)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (var in = Files.newInputStream(f)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                        digest.update(buf, 0, n);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                actual.put(downloaded.relativize(f).toString(), HexFormat.of().formatHex(digest.digest()));
            }
        }
        assertEquals(expected, actual, "SHA-256 of every file " + who + " downloaded, by path");
    }
}
