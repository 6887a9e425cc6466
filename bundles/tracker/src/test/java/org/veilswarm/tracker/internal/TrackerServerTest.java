package org.veilswarm.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.PercentEncoding;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * The tracker server behind the DS component, on real direct transports on 127.0.0.1: transports and stores
 * come and go under it, as DS binds and unbinds them.
 */
class TrackerServerTest {
    static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final TrackerServer server = new TrackerServer(null, 0, TrackerSettings.DEFAULT, Duration.ofSeconds(60),
            Duration.ofHours(1), 2, new SecureRandom(), Clock.systemUTC());

    @AfterEach
    void close() throws Exception {
        server.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private DirectTransportEngine transport() {
        DirectTransportEngine engine = new DirectTransportEngine(DirectTransportSettings.defaults());
        closing.add(engine);
        return engine;
    }

    private List<TransportAddress> awaitEndpoints(int count) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<TransportAddress> endpoints = server.endpoints();
            if (endpoints.size() == count) {
                return endpoints;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("expected " + count + " endpoints, have " + server.endpoints());
    }

    static String announce(TrackerShare share, int peer) {
        return share.announcePath() + "?info_hash=" + PercentEncoding.encodeAll(HASH.bytes()) + "&peer_id="
                + String.format("-VS0001-%012d", peer) + "&port=" + (20_000 + peer)
                + "&uploaded=0&downloaded=0&left=100&compact=1&numwant=50";
    }

    @Test
    void servesOnEveryBoundTransportAndOnlyOnThoseStillBound() throws Exception {
        server.storeBound(new MemoryTrackerStore(), false);
        TrackerShare share = server.shares().register(Visibility.PUBLIC, Set.of(HASH));
        DirectTransportEngine first = transport();
        DirectTransportEngine second = transport();
        server.addTransport(first, "direct");
        int firstPort = awaitEndpoints(1).get(0).port();
        server.addTransport(second, "direct");
        int secondPort = awaitEndpoints(2).stream().mapToInt(TransportAddress::port).filter(p -> p != firstPort)
                .findFirst().orElseThrow();

        assertEquals(200, RawHttp.get(firstPort, announce(share, 1)).status());
        AnnounceResponse viaSecond = AnnounceResponse.parse(RawHttp.get(secondPort, announce(share, 2)).body());
        assertEquals(List.of(new TransportAddress("127.0.0.1", 20_001)), viaSecond.peers(),
                "both transports share one store");

        server.removeTransport(first);
        assertEquals(secondPort, awaitEndpoints(1).get(0).port());
        for (int i = 0; i < 200 && accepts(firstPort); i++) {
            Thread.sleep(25);
        }
        assertFalse(accepts(firstPort), "the unbound transport still listens");
        assertEquals(200, RawHttp.get(secondPort, announce(share, 3)).status());
    }

    @Test
    void withoutAStoreAnnouncesGet503AndTheNextStoreServesThem() throws Exception {
        TrackerShare share = server.shares().register(Visibility.PRIVATE, Set.of(HASH));
        server.addTransport(transport(), "direct");
        int port = awaitEndpoints(1).get(0).port();

        RawHttp unavailable = RawHttp.get(port, announce(share, 1));
        assertEquals(503, unavailable.status());
        assertTrue(unavailable.head().contains("retry-after: 5"), unavailable.head());
        assertTrue(unavailable.bodyText().contains("failure reason"), unavailable.bodyText());
        assertTrue(unavailable.bodyText().contains("tracker store unavailable"), unavailable.bodyText());

        MemoryTrackerStore first = new MemoryTrackerStore();
        server.storeBound(first, false);
        assertEquals(200, RawHttp.get(port, announce(share, 1)).status());
        // Greedy rebinding: the new store is bound before the old one is unbound; the unbind must not clear it.
        MemoryTrackerStore second = new MemoryTrackerStore();
        server.storeBound(second, false);
        server.storeUnbound(first);
        assertEquals(List.of(), AnnounceResponse.parse(RawHttp.get(port, announce(share, 2)).body()).peers(),
                "the second store is empty: peer 1 went to the first");
        assertEquals(1, second.statistics().leechers());
        server.storeUnbound(second);
        assertEquals(503, RawHttp.get(port, announce(share, 3)).status());
    }

    @Test
    void aFailingStoreGets503NotAHangAndNotItsMessage() throws Exception {
        TrackerShare share = server.shares().register(Visibility.PUBLIC, Set.of(HASH));
        server.storeBound(new MemoryTrackerStore() {
            @Override
            public AnnounceResult announce(Announce announce) {
                throw new RuntimeException("pool closed: jdbc:h2:file:/secret/path");
            }

            @Override
            public CompactAnnounceResult announceCompact(Announce announce) {
                throw new RuntimeException("pool closed: jdbc:h2:file:/secret/path");
            }

            @Override
            public boolean announceMayBlock() {
                return true;
            }
        }, true);
        server.addTransport(transport(), "direct");
        RawHttp answer = RawHttp.get(awaitEndpoints(1).get(0).port(), announce(share, 1));
        assertEquals(503, answer.status());
        assertFalse(answer.bodyText().contains("secret"), answer.bodyText());
    }

    @Test
    void aBlockingStoreIsCalledOnAStoreThreadNeverOnTheEventLoop() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        server.storeBound(new MemoryTrackerStore() {
            @Override
            public AnnounceResult announce(Announce announce) {
                threads.add(Thread.currentThread().getName());
                return super.announce(announce);
            }

            @Override
            public CompactAnnounceResult announceCompact(Announce announce) {
                threads.add(Thread.currentThread().getName());
                return super.announceCompact(announce);
            }

            @Override
            public boolean announceMayBlock() {
                return true;
            }
        }, true);
        TrackerShare share = server.shares().register(Visibility.PUBLIC, Set.of(HASH));
        server.addTransport(transport(), "direct");
        int port = awaitEndpoints(1).get(0).port();
        for (int peer = 0; peer < 4; peer++) {
            assertEquals(200, RawHttp.get(port, announce(share, peer)).status());
        }
        assertEquals(4, threads.size());
        assertTrue(threads.stream().allMatch(name -> name.startsWith("veilswarm-tracker-store")), threads.toString());
    }

    @Test
    void aStoreWhoseAnnouncesNeverBlockIsCalledOnTheEventLoopThoughItsOtherCallsBlock() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        server.storeBound(new MemoryTrackerStore() {
            @Override
            public CompactAnnounceResult announceCompact(Announce announce) {
                threads.add(Thread.currentThread().getName());
                return super.announceCompact(announce);
            }
        }, true); // like JDBC with write-behind: tracker.store.blocking=true, announceMayBlock() false
        TrackerShare share = server.shares().register(Visibility.PUBLIC, Set.of(HASH));
        server.addTransport(transport(), "direct");
        int port = awaitEndpoints(1).get(0).port();
        for (int peer = 0; peer < 2; peer++) {
            assertEquals(200, RawHttp.get(port, announce(share, peer)).status());
        }
        assertEquals(2, threads.size());
        assertTrue(threads.stream().noneMatch(name -> name.startsWith("veilswarm-tracker-store")), threads.toString());
    }

    @Test
    void publishingAPrivateShareGivesANewPublicTokenAndCanRevokeThePrivateOne() throws Exception {
        server.storeBound(new MemoryTrackerStore(), false);
        server.addTransport(transport(), "direct");
        int port = awaitEndpoints(1).get(0).port();
        TrackerShare secret = server.shares().register(Visibility.PRIVATE, Set.of(HASH));
        assertTrue(secret.announcePath().startsWith("/private/"));
        assertFalse(secret.toString().contains(secret.token()), "toString must not reveal the token");

        TrackerShare open = server.shares().publish(secret.token(), false).orElseThrow();
        assertEquals(Visibility.PUBLIC, open.visibility());
        assertNotEquals(secret.token(), open.token());
        assertEquals(200, RawHttp.get(port, announce(open, 1)).status());
        assertEquals(200, RawHttp.get(port, announce(secret, 2)).status(), "the private link still works");
        // A public token is not a private one: it only works under /public/.
        String wrongPrefix = announce(open, 3).replace("/public/", "/private/");
        assertEquals(404, RawHttp.get(port, wrongPrefix).status());
        assertTrue(server.shares().publish(open.token(), false).isEmpty(), "only private shares are published");

        TrackerShare again = server.shares().publish(secret.token(), true).orElseThrow();
        RawHttp revoked = RawHttp.get(port, announce(secret, 4));
        RawHttp unknown = RawHttp.get(port, announce(new TrackerShare("A".repeat(43), Visibility.PRIVATE, Set.of()), 4));
        assertEquals(404, revoked.status());
        assertEquals(unknown.bodyText(), revoked.bodyText(), "a revoked token looks like one that never existed");
        assertEquals(200, RawHttp.get(port, announce(again, 5)).status());
        assertTrue(server.shares().revoke(again.token()));
        assertFalse(server.shares().revoke(again.token()));
        assertThrows(IllegalArgumentException.class,
                () -> server.shares().restore("short", Visibility.PUBLIC, Set.of(HASH)));
    }

    @Test
    void theExpirySweepRemovesPeersOlderThanTheExpiry() throws Exception {
        MemoryTrackerStore store = new MemoryTrackerStore();
        Instant now = Instant.parse("2026-11-22T04:00:00Z");
        try (TrackerServer atNoon = new TrackerServer(null, 0, TrackerSettings.DEFAULT, Duration.ofSeconds(60),
                Duration.ofHours(1), 1, new SecureRandom(), Clock.fixed(now, ZoneOffset.UTC))) {
            atNoon.storeBound(store, false);
            TrackerShare share = atNoon.shares().register(Visibility.PUBLIC, Set.of(HASH));
            DirectTransportEngine engine = transport();
            atNoon.addTransport(engine, "direct");
            int port = 0;
            for (int i = 0; i < 200 && port == 0; i++) {
                port = atNoon.endpoints().isEmpty() ? 0 : atNoon.endpoints().get(0).port();
                Thread.sleep(25);
            }
            assertEquals(200, RawHttp.get(port, announce(share, 1)).status());
            assertEquals(1, store.statistics().leechers());
            atNoon.expirePeers();
            assertEquals(1, store.statistics().leechers(), "a peer seen just now stays");
        }
        try (TrackerServer later = new TrackerServer(null, 0, TrackerSettings.DEFAULT, Duration.ofSeconds(60),
                Duration.ofHours(1), 1, new SecureRandom(), Clock.fixed(now.plusSeconds(61), ZoneOffset.UTC))) {
            later.storeBound(store, false);
            later.expirePeers();
            assertEquals(0, store.statistics().leechers(), "a peer silent for longer than the expiry is gone");
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
