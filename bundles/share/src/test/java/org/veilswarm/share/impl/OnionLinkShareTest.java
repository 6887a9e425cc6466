package org.veilswarm.share.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * Links over onion services through the Transport SPI alone: nodes with the direct transport and an anonymous
 * one ({@link LoopbackOnionTransport}, standing for tor and the native onion transport) give links that name
 * their onion address, and a download by such a link runs over the anonymous transport (the direct one cannot
 * reach an onion address). The link policies: direct on request, onion-only refuses a share without an onion
 * endpoint.
 */
class OnionLinkShareTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final LoopbackOnionTransport.Directory onions = new LoopbackOnionTransport.Directory();
    private TestNode a;
    private TestNode b;

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void theLinkNamesTheNodesOnionAddressAndADownloadByItRunsOverTheAnonymousTransport() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults());
        b = new TestNode(tmp.resolve("b"), freePort(), onions, LinkSettings.defaults());
        Path file = tmp.resolve("report.bin");
        Files.write(file, random(2_000_000, 3));

        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        ShareLink link = share.privateLink().orElseThrow();
        assertEquals(TransportAddress.of(a.identity.address(), a.trackerPort), link.tracker());
        assertTrue(link.format().startsWith("http://" + a.identity.address().hostName() + ":" + a.trackerPort
                + "/private/"), link.format());

        Download d = b.downloads.add(link.format(), tmp.resolve("into"));
        Download done = await(b, d.id(), DownloadState.SEEDING);
        assertEquals(Files.size(file), done.completedBytes());
        assertEquals(sha256(file), sha256(tmp.resolve("into").resolve("report.bin")));

        // B announced itself complete to A over the anonymous transport: A's tracker, asked through it, counts two.
        InfoHash hash = InfoHash.ofHex(share.id());
        TrackerClient overOnion = new TrackerClient(b.onion::connect, Duration.ofSeconds(10));
        TrackerUrl scrape = new TrackerUrl(link.tracker(), ShareService.prefix(link.visibility(), link.token()) + "scrape");
        long end = System.nanoTime() + WAIT.toNanos();
        SwarmCounts counts = new SwarmCounts(0, 0, 0);
        while (System.nanoTime() < end && counts.complete() < 2) {
            Map<InfoHash, SwarmCounts> answer = overOnion.scrape(scrape, List.of(hash.truncated())).get(10, TimeUnit.SECONDS);
            counts = answer.getOrDefault(hash.truncated(), counts);
            if (counts.complete() < 2) {
                Thread.sleep(100);
            }
        }
        assertEquals(2, counts.complete(), "A's tracker lists A and B as seeders: " + counts);
    }

    /** A link tried before the source's onion service can be found (tor: descriptor not found yet) is tried again. */
    @Test
    void aDownloadWaitsForASourceWhoseOnionServiceIsNotFoundYet() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults());
        b = new TestNode(tmp.resolve("b"), freePort(), onions, LinkSettings.defaults());
        Path file = tmp.resolve("late.bin");
        Files.write(file, random(300_000, 4));
        ShareLink link = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE).privateLink()
                .orElseThrow();
        onions.hide(link.tracker());
        int missesBefore = onions.misses.get();
        Download d = b.downloads.add(link.format(), tmp.resolve("into"));
        long end = System.nanoTime() + WAIT.toNanos();
        while (onions.misses.get() == missesBefore && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertTrue(onions.misses.get() > missesBefore, "B never tried the link");
        assertEquals(DownloadState.CONNECTING, b.downloads.get(d.id()).orElseThrow().state(),
                "a source not found yet is no failure: " + b.downloads.get(d.id()).orElseThrow().error());
        onions.reveal(link.tracker());
        await(b, d.id(), DownloadState.SEEDING);
        assertEquals(sha256(file), sha256(tmp.resolve("into").resolve("late.bin")));
    }

    @Test
    void theDirectPolicyNamesTheDirectEndpointEvenWithAnOnionOne() throws Exception {
        LinkSettings direct = new LinkSettings(LinkSettings.Policy.DIRECT, Duration.ZERO, List.of());
        a = new TestNode(tmp.resolve("a"), freePort(), onions, direct);
        Share share = a.shares.create(folderWithOneFile(), ShareOptions.defaults(), ShareProgressListener.NONE);
        TransportAddress tracker = share.privateLink().orElseThrow().tracker();
        assertTrue(!tracker.isOnion() && tracker.port() == a.trackerPort, tracker.toString());
    }

    @Test
    void onionOnlyRefusesAShareWhenTheTrackerHasNoOnionEndpoint() throws Exception {
        LinkSettings onionOnly = new LinkSettings(LinkSettings.Policy.ONION_ONLY, Duration.ofSeconds(5), List.of());
        a = new TestNode(tmp.resolve("a"), freePort(), null, onionOnly);
        Path folder = folderWithOneFile();
        ShareException e = assertThrows(ShareException.class,
                () -> a.shares.create(folder, ShareOptions.defaults(), ShareProgressListener.NONE));
        assertTrue(e.getMessage().contains("onion-only") && e.getMessage().contains("install the tor or onion transport"),
                e.getMessage());
        assertTrue(a.shares.list().isEmpty());
    }

    @Test
    void linkEndpointFollowsThePolicy() {
        TransportAddress direct = TransportAddress.parse("127.0.0.1:6969");
        TransportAddress onion = TransportAddress.of(new TestIdentity().address(), 6969);
        List<TransportAddress> both = List.of(direct, onion);
        assertEquals(Optional.of(onion), ShareService.linkEndpoint(both, LinkSettings.Policy.PREFER_ONION));
        assertEquals(Optional.of(direct), ShareService.linkEndpoint(List.of(direct), LinkSettings.Policy.PREFER_ONION));
        assertEquals(Optional.of(onion), ShareService.linkEndpoint(both, LinkSettings.Policy.ONION_ONLY));
        assertEquals(Optional.empty(), ShareService.linkEndpoint(List.of(direct), LinkSettings.Policy.ONION_ONLY));
        assertEquals(Optional.of(direct), ShareService.linkEndpoint(both, LinkSettings.Policy.DIRECT));
        assertEquals(Optional.empty(), ShareService.linkEndpoint(List.of(), LinkSettings.Policy.PREFER_ONION));
        assertEquals(LinkSettings.Policy.ONION_ONLY, LinkSettings.Policy.parse(" Onion-Only "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> LinkSettings.Policy.parse("tor"));
        assertTrue(bad.getMessage().contains("'prefer-onion', 'onion-only' or 'direct'"), bad.getMessage());
    }

    private Path folderWithOneFile() throws IOException {
        Path folder = tmp.resolve("folder");
        Files.createDirectories(folder);
        Files.write(folder.resolve("a.bin"), random(100_000, 5));
        return folder;
    }

    private static Download await(TestNode node, String id, DownloadState wanted) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        Download d = node.downloads.get(id).orElseThrow();
        while (System.nanoTime() < end) {
            d = node.downloads.get(id).orElseThrow();
            if (d.state() == wanted || d.state() == DownloadState.FAILED) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(wanted, d.state(), "download " + d.error().orElse("") + "; " + d.completedBytes() + " of "
                + d.totalBytes() + " bytes");
        return d;
    }

    private static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
