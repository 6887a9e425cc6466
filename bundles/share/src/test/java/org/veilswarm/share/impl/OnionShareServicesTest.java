package org.veilswarm.share.impl;

import static org.veilswarm.share.impl.ShareTestSupport.freePort;
import static org.veilswarm.share.impl.ShareTestSupport.random;
import static org.veilswarm.share.impl.ShareTestSupport.sha256;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.swarm.engine.PeerStats;
import org.veilswarm.swarm.engine.TorrentSession;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * K-way multiplexing of shares (issues 5 and 8): with K = 2 a share is published on two onion services of its own
 * (keys from the node bundle's store, 0600), its tracker lists both as peers (besides the node's own address), and
 * an onion-only downloader holds a peer connection to each at once (the owner keeps both, each service presenting its own peer id). The services
 * come back under the same addresses after a restart, and are withdrawn on revoke and remove (remove also deletes
 * their keys). {@link LoopbackOnionTransport} stands for the tor and native onion transports.
 */
class OnionShareServicesTest extends NodesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The owner's upload limit: a 6 MB download then takes about 6 s, long enough to watch its connections. */
    private static final long UPLOAD_BYTES_PER_SECOND = 1L << 20;

    private final LoopbackOnionTransport.Directory onions = new LoopbackOnionTransport.Directory();

    @Test
    void aShareOnTwoServicesIsDownloadedOverBothAndKeepsItsAddressesAcrossARestart() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults(), 2,
                org.veilswarm.swarm.choker.HierarchicalRateLimiter.root(UPLOAD_BYTES_PER_SECOND, 64 * 1024,
                        System::nanoTime)::reserve);
        b = new TestNode(tmp.resolve("b"), freePort(), onions, LinkSettings.defaults(), false, true);
        Path file = tmp.resolve("film.bin");
        Files.write(file, random(6_000_000, 11));

        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        ShareLink link = share.privateLink().orElseThrow();
        assertEquals(TransportAddress.of(a.identity.address(), a.trackerPort), link.tracker(),
                "the link still names the node's tracker");
        List<OnionAddress> services = await("A's two share services to listen", () -> a.shares.servicesOf(share.id()),
                s -> s.size() == 2);
        assertNotEquals(services.get(0), services.get(1));
        assertFalse(services.contains(a.identity.address()), "the services are not the node's own");
        for (String name : List.of("0.ed25519", "1.ed25519")) {
            Path key = a.dataDir.resolve("keys/shares").resolve(share.id()).resolve(name);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), name);
        }
        InfoHash hash = InfoHash.ofHex(share.id());
        // A's tracker lists A at its IP (direct endpoint), and at its node address and each of the share's two
        // services (onion endpoint).
        awaitSeeders(a, hash, 4);

        Download d = b.downloads.add(link.format(), tmp.resolve("into"));
        Set<TransportAddress> expected = services.stream().map(s -> TransportAddress.of(s, a.peerPort))
                .collect(Collectors.toSet());
        // B (onion-only, A its only peer) holds a connection to each of A's services at once, and A keeps every
        // connection B holds (B also reaches A at the node's address: three pairs of peer ids, three connections).
        Set<TransportAddress> connected = await("B to hold a peer connection to each of A's services at once, all kept"
                + " by A", () -> {
                    Set<TransportAddress> peers = onionPeers(b, hash);
                    return peerCount(a, hash) == peers.size() ? peers : Set.<TransportAddress>of();
                }, p -> p.containsAll(expected));
        assertTrue(connected.containsAll(expected), connected.toString());
        await(b, d.id(), DownloadState.SEEDING);
        assertEquals(sha256(file), sha256(tmp.resolve("into").resolve("film.bin")));

        a.stop();
        a.start();
        assertEquals(services, await("A's services after a restart", () -> a.shares.servicesOf(share.id()),
                s -> s.size() == 2), "same addresses after the restart");
        reachable(services.get(1), a.peerPort);
    }

    @Test
    void removeWithdrawsTheServicesAndDeletesTheirKeys() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults());
        Path file = tmp.resolve("gone.bin");
        Files.write(file, random(200_000, 12));
        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        List<OnionAddress> services = await("two services", () -> a.shares.servicesOf(share.id()), s -> s.size() == 2);
        reachable(services.get(0), a.peerPort);

        assertTrue(a.shares.remove(share.id()));
        for (OnionAddress service : services) {
            assertEquals(TransportException.Reason.NOT_FOUND, refusal(service, a.peerPort),
                    "service " + service + " withdrawn");
        }
        assertFalse(Files.exists(a.dataDir.resolve("keys/shares").resolve(share.id())), "keys deleted");
    }

    @Test
    void revokingTheLastTokenWithdrawsTheServicesButKeepsTheKeys() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults());
        Path file = tmp.resolve("revoked.bin");
        Files.write(file, random(200_000, 13));
        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        List<OnionAddress> services = await("two services", () -> a.shares.servicesOf(share.id()), s -> s.size() == 2);

        a.shares.revoke(share.id(), Visibility.PRIVATE);
        await("the services to be withdrawn", () -> a.shares.servicesOf(share.id()), List::isEmpty);
        for (OnionAddress service : services) {
            assertEquals(TransportException.Reason.NOT_FOUND, refusal(service, a.peerPort));
        }
        assertTrue(Files.exists(a.dataDir.resolve("keys/shares").resolve(share.id()).resolve("1.ed25519")),
                "the share is still there; only remove retires its keys");
    }

    @Test
    void withKZeroAShareIsListedUnderTheNodesOwnServiceOnly() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults(), 0,
                org.veilswarm.swarm.engine.RateLimiter.UNLIMITED);
        Path file = tmp.resolve("plain.bin");
        Files.write(file, random(200_000, 14));
        Share share = a.shares.create(file, ShareOptions.defaults(), ShareProgressListener.NONE);
        awaitSeeders(a, InfoHash.ofHex(share.id()), 2); // its IP and the node's onion address
        assertEquals(List.of(), a.shares.servicesOf(share.id()));
        assertFalse(Files.exists(a.dataDir.resolve("keys/shares")), "no keys made");
    }

    @Test
    void aShareChoosesItsOwnNumberOfServicesAndKeepsItAcrossARestart() throws Exception {
        a = new TestNode(tmp.resolve("a"), freePort(), onions, LinkSettings.defaults()); // the node's K: 2
        Path file = tmp.resolve("one.bin");
        Files.write(file, random(200_000, 15));
        Share share = a.shares.create(file, ShareOptions.defaults().withServices(1), ShareProgressListener.NONE);
        List<OnionAddress> one = await("one service", () -> a.shares.servicesOf(share.id()), s -> s.size() == 1);
        awaitSeeders(a, InfoHash.ofHex(share.id()), 3); // IP, node, the one service

        a.stop();
        a.start();
        assertEquals(one, await("the service after a restart", () -> a.shares.servicesOf(share.id()),
                s -> !s.isEmpty()), "still one service, the same");
        assertTrue(Files.readString(a.dataDir.resolve("shares").resolve(share.id() + ".share")).contains("services=1"));
        assertFalse(Files.exists(a.dataDir.resolve("keys/shares").resolve(share.id()).resolve("1.ed25519")),
                "no second key was ever made (the restart used the share's own K, not the node's 2)");
        for (int bad : new int[] {-2, ShareOptions.MAX_SERVICES + 1}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> ShareOptions.defaults().withServices(bad));
            assertTrue(e.getMessage().contains("services must be 0-8"), e.getMessage());
        }
    }

    /** The onion addresses of B's peers for the torrent now. */
    private static Set<TransportAddress> onionPeers(TestNode node, InfoHash hash) {
        return node.engine.torrent(HashValue.of(hash.bytes())).map(TorrentSession::stats)
                .map(s -> s.peers().stream().map(PeerStats::address).filter(x -> x != null && x.isOnion())
                        .collect(Collectors.toSet()))
                .orElse(new HashSet<>());
    }

    private static int peerCount(TestNode node, InfoHash hash) {
        return node.engine.torrent(HashValue.of(hash.bytes())).map(s -> s.stats().peers().size()).orElse(0);
    }

    /** A stream to {@code service} opens through a fresh loopback-onion transport (a third node). */
    private void reachable(OnionAddress service, int port) throws Exception {
        try (LoopbackOnionTransport probe = new LoopbackOnionTransport(onions)) {
            Channel ch = probe.connect(TransportAddress.of(service, port), noop()).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            ch.close().sync();
        }
    }

    private TransportException.Reason refusal(OnionAddress service, int port) throws Exception {
        try (LoopbackOnionTransport probe = new LoopbackOnionTransport(onions)) {
            try {
                probe.connect(TransportAddress.of(service, port), noop()).toCompletableFuture().get(10, TimeUnit.SECONDS)
                        .close().sync();
                throw new AssertionError(service + " still answers");
            } catch (ExecutionException | CompletionException e) {
                if (e.getCause() instanceof TransportException te) {
                    return te.reason();
                }
                throw e;
            }
        }
    }

    private static ChannelInitializer<Channel> noop() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        };
    }

    private static void awaitSeeders(TestNode node, InfoHash hash, int seeders) throws InterruptedException {
        await("the tracker to list " + seeders + " seeders", () -> node.store.scrape(List.of(hash.truncated()))
                .getOrDefault(hash.truncated(), new SwarmCounts(0, 0, 0)), c -> c.complete() == seeders);
    }

    private static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        T seen = value.get();
        while (!done.test(seen)) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + seen);
            }
            Thread.sleep(20);
            seen = value.get();
        }
        return seen;
    }

    private static Download await(TestNode node, String id, DownloadState wanted) throws InterruptedException {
        Download d = await("download " + id + " to reach " + wanted, () -> node.downloads.get(id).orElseThrow(),
                x -> x.state() == wanted || x.state() == DownloadState.FAILED);
        assertEquals(wanted, d.state(), "download " + d.error().orElse("") + "; " + d.completedBytes() + " of "
                + d.totalBytes() + " bytes");
        return d;
    }
}
