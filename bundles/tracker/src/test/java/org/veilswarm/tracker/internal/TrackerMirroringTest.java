package org.veilswarm.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerMirrorInfo;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.internal.MirroringNode.StoreKind;
import org.veilswarm.tracker.mirror.MirrorLimits;
import org.veilswarm.tracker.mirror.TestIdentity;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * Two nodes as the tracker component runs them ({@link TrackerServer} with mirroring, distinct identities and
 * stores) on real TCP on 127.0.0.1: node B mirrors node A by A's address alone (all public shares) or a
 * private share by its link, serves the copies as its own tracker, after A stops, and after B restarts.
 */
class TrackerMirroringTest {
    static final InfoHash FIRST = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash SECOND = InfoHash.ofHex("89abcdef0123456789abcdef0123456789abcdef");
    static final InfoHash SECRET = InfoHash.ofHex("fedcba9876543210fedcba9876543210fedcba98");
    /** Generous: the index is asked for every 200 ms; only a broken mirror takes seconds. */
    static final Duration BOUND = Duration.ofSeconds(10);
    /** One engine for all nodes: closing one waits for Netty's quiet period. */
    static final DirectTransportEngine TRANSPORT = new DirectTransportEngine(DirectTransportSettings.defaults());

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeNodes() throws Exception {
        Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @AfterAll
    static void closeTransport() {
        TRANSPORT.close();
    }

    private MirroringNode node(TestIdentity identity, StoreKind kind, String name, TrackerStore memoryStore) {
        MirroringNode node = new MirroringNode(identity, kind, dir.resolve(name), TRANSPORT, memoryStore);
        closing.add(node);
        return node;
    }

    static long await(String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > BOUND.toNanos()) {
                throw new AssertionError(what + ": not within " + BOUND);
            }
            Thread.sleep(5);
        }
        return System.nanoTime() - start;
    }

    static TransportAddress peer(int n) {
        return new TransportAddress("127.0.0.1", 20_000 + n);
    }

    static boolean served(MirroringNode node, TrackerShare share) {
        return node.shares().find(share.token()).filter(s -> s.visibility() == share.visibility()
                && s.infoHashes().containsAll(share.infoHashes())).isPresent();
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void bMirrorsEveryPublicShareOfAByAddressAndNeverAPrivateOne(StoreKind kind) throws Exception {
        MirroringNode a = node(new TestIdentity(), kind, "a", null);
        MirroringNode b = node(new TestIdentity(), kind, "b", null);
        TrackerShare first = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        TrackerShare secret = a.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        assertEquals(200, a.announce(first.pathPrefix(), FIRST, 1).status());
        assertEquals(200, a.announce(secret.pathPrefix(), SECRET, 2).status());

        TrackerMirrorInfo added = b.mirrors().mirrorNode(a.identity.address(), a.endpoint());
        assertEquals(TrackerMirrorInfo.Kind.NODE, added.kind());
        long copied = await("A's public share served by B", () -> served(b, first));
        assertTrue(b.peersFor(first, FIRST, 10).contains(peer(1)), "B hands out the peer A knows");

        TrackerShare second = a.shares().register(Visibility.PUBLIC, Set.of(SECOND));
        assertEquals(200, a.announce(second.pathPrefix(), SECOND, 3).status());
        long appeared = await("A's new public share served by B", () -> served(b, second));
        assertTrue(b.peersFor(second, SECOND, 11).contains(peer(3)));

        assertTrue(a.shares().revoke(first.token()));
        long disappeared = await("A's revoked share gone from B", () -> b.shares().find(first.token()).isEmpty());
        assertEquals(404, b.announce(first.pathPrefix(), FIRST, 12).status(), "B answers a revoked share like any unknown token");

        await("mirror status", () -> b.mirrors().status(added.id()).orElseThrow().state()
                == TrackerMirrorInfo.State.FOLLOWING);
        TrackerMirrorInfo status = b.mirrors().status(added.id()).orElseThrow();
        assertEquals(1, status.shares());
        assertTrue(status.lag().isPresent());
        assertTrue(b.shares().find(secret.token()).isEmpty(), "a private share never reaches a node mirror");
        assertFalse(b.shares().publicTokens().contains(secret.token()));
        try (Stream<Path> files = Files.walk(b.dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("tracker-db")).toList()) {
                assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(secret.token()),
                        f + " holds A's private token");
            }
        }
        System.out.printf("%s: first copy %d ms, new share %d ms, revoked share gone %d ms%n", kind,
                copied / 1_000_000, appeared / 1_000_000, disappeared / 1_000_000);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void bMirrorsAPrivateShareByItsLinkAndServesItPrivately(StoreKind kind) throws Exception {
        MirroringNode a = node(new TestIdentity(), kind, "a", null);
        MirroringNode b = node(new TestIdentity(), kind, "b", null);
        TrackerShare secret = a.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        assertEquals(200, a.announce(secret.pathPrefix(), SECRET, 1).status());

        TrackerMirrorInfo added = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + secret.pathPrefix());
        assertEquals(TrackerMirrorInfo.Kind.SHARE, added.kind());
        await("private share served by B", () -> served(b, secret));
        assertTrue(b.peersFor(secret, SECRET, 10).contains(peer(1)));
        assertEquals(404, b.announce("/public/" + secret.token() + "/", SECRET, 11).status(),
                "a private share stays private on the mirror");
        assertFalse(b.shares().publicTokens().contains(secret.token()));

        assertEquals(200, a.announce(secret.pathPrefix(), SECRET, 2).status());
        await("a peer change on A reaches B", () -> {
            try {
                return b.peersFor(secret, SECRET, 12).contains(peer(2));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void bKeepsServingAfterAStopsAndResumesFromDiskAfterARestart(StoreKind kind) throws Exception {
        MirroringNode a = node(new TestIdentity(), kind, "a", null);
        TestIdentity bIdentity = new TestIdentity();
        MirroringNode b = node(bIdentity, kind, "b", null);
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        TrackerShare secret = a.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        assertEquals(200, a.announce(secret.pathPrefix(), SECRET, 2).status());
        TrackerMirrorInfo node = b.mirrors().mirrorNode(a.identity.address(), a.endpoint());
        TrackerMirrorInfo share = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + secret.pathPrefix());
        await("both copied", () -> served(b, open) && served(b, secret)
                && b.mirrors().status(share.id()).orElseThrow().position() > 0);

        a.close();
        await("B notices A is gone", () -> b.mirrors().status(node.id()).orElseThrow().state()
                == TrackerMirrorInfo.State.RETRYING && b.mirrors().status(share.id()).orElseThrow().lastError()
                        .isPresent());
        assertTrue(b.peersFor(open, FIRST, 10).contains(peer(1)), "B serves A's public share after A stopped");
        assertTrue(b.peersFor(secret, SECRET, 11).contains(peer(2)), "B serves A's private share after A stopped");

        b.close();
        MirroringNode restarted = node(bIdentity, kind, "b", kind == StoreKind.MEMORY ? b.store : null);
        assertEquals(List.of(node.id(), share.id()),
                restarted.mirrors().list().stream().map(TrackerMirrorInfo::id).toList(), "the mirror list survives");
        await("copies served again from disk, with A gone", () -> served(restarted, open)
                && served(restarted, secret));
        assertTrue(restarted.peersFor(open, FIRST, 12).contains(peer(1)));
        assertTrue(restarted.peersFor(secret, SECRET, 13).contains(peer(2)));
        assertTrue(restarted.mirrors().status(share.id()).orElseThrow().position() > 0,
                "the share mirror resumes from its saved position");
    }

    /**
     * A node on the memory store (the {@code tracker-memory} feature) restarts with an empty store but its mirrors'
     * saved positions; so does a node whose database was deleted. Resuming from those positions would leave the
     * copies missing for good (the source sends only what changes), so the mirrors copy again from a snapshot.
     */
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void bRestartedOnAnEmptyStoreCopiesAgainFromTheSource(StoreKind kind) throws Exception {
        MirroringNode a = node(new TestIdentity(), kind, "a", null);
        TestIdentity bIdentity = new TestIdentity();
        MirroringNode b = node(bIdentity, kind, "b", null);
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        TrackerShare secret = a.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        a.store.putTorrent(new org.veilswarm.api.tracker.TorrentRecord(SECRET, "holiday photos", "", Set.of("beach"), 1234,
                List.of("a.jpg"), Visibility.PRIVATE, java.time.Instant.parse("2026-11-23T12:00:00Z")));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        assertEquals(200, a.announce(secret.pathPrefix(), SECRET, 2).status());
        TrackerMirrorInfo node = b.mirrors().mirrorNode(a.identity.address(), a.endpoint());
        TrackerMirrorInfo share = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + secret.pathPrefix());
        await("both copied", () -> served(b, open) && served(b, secret) && b.store.torrent(SECRET).isPresent()
                && b.mirrors().status(share.id()).orElseThrow().position() > 0
                && b.mirrors().status(node.id()).orElseThrow().shares() == 1);

        b.close();
        if (kind == StoreKind.H2) {
            try (Stream<Path> files = Files.list(b.dir)) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("tracker-db")).toList()) {
                    Files.delete(f);
                }
            }
        }
        MirroringNode restarted = node(bIdentity, kind, "b", null); // a new, empty store; the cursors on disk
        await("the record copied again", () -> restarted.store.torrent(SECRET).isPresent());
        assertEquals("holiday photos", restarted.store.torrent(SECRET).orElseThrow().name());
        await("the peers copied again", () -> {
            var first = restarted.store.scrape(List.of(FIRST)).get(FIRST);
            var second = restarted.store.scrape(List.of(SECRET)).get(SECRET);
            return first != null && first.complete() + first.incomplete() == 1
                    && second != null && second.complete() + second.incomplete() == 1;
        });
        assertTrue(restarted.peersFor(open, FIRST, 12).contains(peer(1)));
        assertTrue(restarted.peersFor(secret, SECRET, 13).contains(peer(2)));
    }

    @Test
    void theMirrorListSurvivesARestartIsOwnerOnlyAndForgetsRemovedMirrors() throws Exception {
        TestIdentity identity = new TestIdentity();
        TestIdentity source = new TestIdentity();
        MirroringNode b = node(identity, StoreKind.MEMORY, "b", null);
        String token = "abcdefghijklmnopqrstuvwxyz012345";
        TrackerMirrorInfo share = b.mirrors().mirrorShare(source.address(), "http://127.0.0.1:9/private/" + token);
        TrackerMirrorInfo node = b.mirrors().mirrorNode(source.address(), new TransportAddress("127.0.0.1", 9));
        assertEquals(share.id(), b.mirrors().mirrorShare(source.address(), "http://127.0.0.1:9/private/" + token).id(),
                "adding a mirror twice keeps one");
        assertEquals(2, b.mirrors().list().size());
        Path list = b.dir.resolve("tracker/mirrors/" + MirrorRegistry.LIST_FILE);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(list));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(list.getParent()));
        b.close();

        MirroringNode again = node(identity, StoreKind.MEMORY, "b", b.store);
        assertEquals(List.of(share.id(), node.id()), again.mirrors().list().stream().map(TrackerMirrorInfo::id).toList());
        await("the unreachable source is reported", () -> again.mirrors().status(node.id()).orElseThrow().lastError()
                .isPresent());
        assertTrue(again.mirrors().remove(share.id()));
        assertFalse(again.mirrors().remove(share.id()));
        again.close();

        MirroringNode third = node(identity, StoreKind.MEMORY, "b", b.store);
        assertEquals(List.of(node.id()), third.mirrors().list().stream().map(TrackerMirrorInfo::id).toList());
        assertFalse(Files.readString(list).contains(token), "a removed private link leaves no trace in the list");
    }

    @Test
    void twoNodesMirroringEachOtherByAddressKeepTheirOwnSharesAndANodeDoesNotMirrorItself() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare ofA = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        TrackerShare ofB = b.shares().register(Visibility.PUBLIC, Set.of(SECOND));
        assertEquals(200, a.announce(ofA.pathPrefix(), FIRST, 1).status());
        assertEquals(200, b.announce(ofB.pathPrefix(), SECOND, 2).status());
        b.mirrors().mirrorNode(a.identity.address(), a.endpoint());
        a.mirrors().mirrorNode(b.identity.address(), b.endpoint());
        await("each serves the other's share", () -> served(b, ofA) && served(a, ofB));

        assertEquals(List.of(ofA.token()), a.shares().publicTokens(), "a node's index lists its own shares only");
        assertEquals(List.of(ofB.token()), b.shares().publicTokens());
        a.shares().revoke(ofA.token());
        await("A's revoked share leaves B", () -> b.shares().find(ofA.token()).isEmpty());
        assertTrue(a.shares().find(ofA.token()).isEmpty(), "no copy of A's own share came back to A");
        IllegalArgumentException self = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.mirrors().mirrorNode(a.identity.address(), a.endpoint()));
        assertTrue(self.getMessage().contains("itself"));
    }

    @Test
    void configuredEntriesNameSharesAndNodesAndBadOnesAreRefusedClearly() throws Exception {
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TestIdentity source = new TestIdentity();
        String token = "abcdefghijklmnopqrstuvwxyz012345";
        TrackerMirrorInfo share = b.mirrors().addConfigured("http://127.0.0.1:9/public/" + token + " via "
                + source.address());
        assertEquals(TrackerMirrorInfo.Kind.SHARE, share.kind());
        assertEquals(new TransportAddress("127.0.0.1", 9), share.endpoint());
        TrackerMirrorInfo node = b.mirrors().addConfigured(source.address() + ":6969");
        assertEquals(TrackerMirrorInfo.Kind.NODE, node.kind());
        assertEquals(TransportAddress.parse(source.address() + ":6969"), node.endpoint());
        assertEquals(source.address(), node.source());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.mirrors().addConfigured("http://127.0.0.1:9/private/" + token));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.mirrors().addConfigured("http://127.0.0.1:9/private/short via " + source.address()));
        assertEquals(2, b.mirrors().list().size());
    }

    @Test
    void afterAStoreSwapBCopiesAgainIntoTheNewStore() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare secret = a.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        assertEquals(200, a.announce(secret.pathPrefix(), SECRET, 1).status());
        TrackerMirrorInfo mirror = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + secret.pathPrefix());
        await("copied", () -> served(b, secret) && b.mirrors().status(mirror.id()).orElseThrow().position() > 0);

        swapStoreWhileServed(b, secret, SECRET, mirror.id());
        assertTrue(b.peersFor(secret, SECRET, 10).contains(peer(1)), "B serves the copy from the new store");
        assertEquals(List.of(mirror.id()), b.mirrors().list().stream().map(TrackerMirrorInfo::id).toList());
    }

    @Test
    void afterAStoreSwapANodeMirrorServesItsPublicShareThroughoutAndCopiesAgain() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        TrackerMirrorInfo mirror = b.mirrors().mirrorNode(a.identity.address(), a.endpoint());
        await("copied", () -> served(b, open) && b.mirrors().status(mirror.id()).orElseThrow().position() > 0);

        swapStoreWhileServed(b, open, FIRST, mirror.id());
        assertTrue(b.peersFor(open, FIRST, 10).contains(peer(1)), "B serves the copy from the new store");
        assertEquals(List.of(mirror.id()), b.mirrors().list().stream().map(TrackerMirrorInfo::id).toList());
    }

    /**
     * Binds a new, empty store on {@code b} and waits until mirror {@code mirrorId} has copied {@code share}'s one
     * peer of {@code hash} into it, checking in a tight loop that B serves the share at every moment meanwhile: a
     * client announcing during the swap must not be told "this tracker does not track that info_hash" (a failure
     * reason, which clients do not retry).
     */
    private static void swapStoreWhileServed(MirroringNode b, TrackerShare share, InfoHash hash, String mirrorId)
            throws InterruptedException {
        org.veilswarm.tracker.store.memory.MemoryTrackerStore replacement =
                new org.veilswarm.tracker.store.memory.MemoryTrackerStore();
        b.server.storeBound(replacement, false);
        int checks = 0;
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            assertTrue(served(b, share), "B stopped serving the mirrored share during the store swap (check "
                    + checks + ")");
            checks++;
            var counts = replacement.scrape(List.of(hash)).get(hash);
            if (counts != null && counts.complete() + counts.incomplete() == 1
                    && b.mirrors().status(mirrorId).orElseThrow().position() > 0) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "copied again into the new store: not within " + BOUND);
            Thread.onSpinWait();
        }
    }

    @Test
    void anIndexNotSignedByTheNamedNodeIsRefusedAndCopiesNothing() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        // B believes another node sits at A's endpoint: A's genuine index does not verify under that key.
        TrackerMirrorInfo impostor = b.mirrors().mirrorNode(new TestIdentity().address(), a.endpoint());
        await("refusal reported", () -> b.mirrors().status(impostor.id()).orElseThrow().lastError().isPresent());
        TrackerMirrorInfo status = b.mirrors().status(impostor.id()).orElseThrow();
        assertEquals(TrackerMirrorInfo.State.RETRYING, status.state());
        assertTrue(status.lastError().orElseThrow().contains("bad signature"), status.lastError().orElseThrow());
        assertEquals(0, status.shares());
        assertTrue(b.shares().find(open.token()).isEmpty());
    }

    @Test
    void anOnionAddressIsNeverDialledOverTheDirectTransport() throws Exception {
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TestIdentity source = new TestIdentity();
        TrackerMirrorInfo mirror = b.mirrors().mirrorNode(source.address() + ":6969");
        await("refusal reported", () -> b.mirrors().status(mirror.id()).orElseThrow().lastError().isPresent());
        String error = b.mirrors().status(mirror.id()).orElseThrow().lastError().orElseThrow();
        assertTrue(error.contains("no bound transport reaches " + source.address()), error);
    }

    @Test
    void aSourceNamingOneOfBsOwnSwarmsIsRefusedWholeAndBsSwarmStaysBs() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare bsOwn = b.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        assertEquals(200, b.announce(bsOwn.pathPrefix(), SECRET, 5).status());
        // A hostile A lists B's private info-hash in a public share of its own and puts a peer into that swarm.
        TrackerShare hostile = a.shares().register(Visibility.PUBLIC, Set.of(SECRET));
        assertEquals(200, a.announce(hostile.pathPrefix(), SECRET, 1).status());
        long bHead = b.store.headSequence();

        TrackerMirrorInfo mirror = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + hostile.pathPrefix());
        await("refusal reported", () -> b.mirrors().status(mirror.id()).orElseThrow().lastError().isPresent());
        String error = b.mirrors().status(mirror.id()).orElseThrow().lastError().orElseThrow();
        assertTrue(error.contains(SECRET.hex()) && error.contains("own share"), error);
        assertEquals(bHead, b.store.headSequence(), "a refused snapshot leaves B's store untouched");
        assertFalse(b.peersFor(bsOwn, SECRET, 10).contains(peer(1)), "A's peer never reaches B's own swarm");
        assertTrue(b.shares().find(hostile.token()).map(s -> s.infoHashes().isEmpty()).orElse(true),
                "B does not serve its own swarm under A's token");
        assertEquals(404, b.announce("/private/" + hostile.token() + "/", SECRET, 11).status());
        assertTrue(b.announce(hostile.pathPrefix(), SECRET, 12).bodyText().contains("does not track"),
                "B's private peers cannot be read through A's public token");
    }

    @Test
    void aBatchNamingAnotherSharesSwarmIsRefusedWhole() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare bsOwn = b.shares().register(Visibility.PRIVATE, Set.of(SECRET));
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        TrackerMirrorInfo mirror = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + open.pathPrefix());
        await("A's share served by B", () -> served(b, open));
        await("following", () -> b.mirrors().status(mirror.id()).orElseThrow().state() == TrackerMirrorInfo.State.FOLLOWING);
        long bHead = b.store.headSequence();

        // A widens its share to B's private swarm: the next batch puts a peer and removes the torrent there.
        a.shares().restore(open.token(), Visibility.PUBLIC, Set.of(FIRST, SECRET));
        assertEquals(200, a.announce(open.pathPrefix(), SECRET, 2).status());
        a.store.removeTorrent(SECRET);
        await("refusal reported", () -> b.mirrors().status(mirror.id()).orElseThrow().lastError()
                .filter(e -> e.contains(SECRET.hex())).isPresent());
        assertEquals(bHead, b.store.headSequence(), "a refused batch leaves B's store untouched");
        assertFalse(b.peersFor(bsOwn, SECRET, 10).contains(peer(2)));
    }

    @Test
    void aNodeMirrorTakesAtMostMaxSharesPerNodeTheSameOnesEveryTimeAndSaysSo() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = new MirroringNode(new TestIdentity(), StoreKind.MEMORY, dir.resolve("b"), TRANSPORT, null,
                MirroringNode.FAST.withMaxSharesPerNode(2));
        closing.add(b);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            InfoHash hash = InfoHash.ofHex(String.format("%040x", 1000 + i));
            TrackerShare share = a.shares().register(Visibility.PUBLIC, Set.of(hash));
            assertEquals(200, a.announce(share.pathPrefix(), hash, i).status());
            tokens.add(share.token());
        }
        Collections.sort(tokens);
        TrackerMirrorInfo mirror = b.mirrors().mirrorNode(a.identity.address(), a.endpoint());
        await("the first two shares served", () -> tokens.subList(0, 2).stream()
                .allMatch(t -> b.shares().find(t).filter(s -> !s.infoHashes().isEmpty()).isPresent()));
        Thread.sleep(3 * MirroringNode.INDEX_PERIOD.toMillis());
        TrackerMirrorInfo status = b.mirrors().status(mirror.id()).orElseThrow();
        assertEquals(2, status.shares(), "the index decides which shares, never how many");
        for (String beyond : tokens.subList(2, 5)) {
            assertTrue(b.shares().find(beyond).isEmpty(), "a share beyond the cap is not mirrored");
        }
        assertTrue(status.lastError().orElseThrow().contains("lists 5 public shares; mirroring the first 2"),
                status.lastError().orElseThrow());
    }

    @Test
    void aPeerDatedInTheFutureExpiresOnBLikeAnyOther() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirroringNode b = node(new TestIdentity(), StoreKind.MEMORY, "b", null);
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        Instant farFuture = Instant.now().plus(Duration.ofDays(3650));
        a.store.apply(new Change(1, Change.Kind.PEER_PUT, FIRST, Optional.of(new PeerEntry(FIRST,
                new byte[20], peer(1), 0, 0, 0, farFuture)), Optional.empty()));
        b.mirrors().mirrorShare(a.identity.address(), "http://127.0.0.1:" + a.endpoint().port() + open.pathPrefix());
        await("A's peer on B", () -> swarm(b.store, FIRST) == 1);
        b.mirrors().close();
        // B's receive time, not the source's claim, is the latest last-seen a copied peer can have.
        assertEquals(1, b.store.expirePeers(Instant.now().plus(Duration.ofHours(1))));
        assertEquals(0, swarm(b.store, FIRST));
    }

    @Test
    void aBatchBeyondTheTorrentQuotaOrThePeerCapIsRefusedWhole() throws Exception {
        InfoHash third = InfoHash.ofHex("00000000000000000000000000000000000000aa");
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirrorLimits small = new MirrorLimits(16 << 20, 1 << 20, 2, 2, 1_000, 64 * 1024, 10_000);
        MirroringNode b = new MirroringNode(new TestIdentity(), StoreKind.MEMORY, dir.resolve("b"), TRANSPORT, null,
                MirroringNode.FAST.withLimits(small));
        closing.add(b);
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST, SECOND, third));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        TrackerMirrorInfo mirror = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + open.pathPrefix());
        await("A's share served by B", () -> served(b, new TrackerShare(open.token(), Visibility.PUBLIC, Set.of(FIRST))));
        await("following", () -> b.mirrors().status(mirror.id()).orElseThrow().state() == TrackerMirrorInfo.State.FOLLOWING);

        for (int p = 2; p <= 6; p++) {
            assertEquals(200, a.announce(open.pathPrefix(), FIRST, p).status());
        }
        await("peer cap refusal", () -> b.mirrors().status(mirror.id()).orElseThrow().lastError()
                .filter(e -> e.contains("at most 2 peers per torrent")).isPresent());
        assertTrue(swarm(b.store, FIRST) < 6, "B holds " + swarm(b.store, FIRST) + " of A's 6 peers");
        assertTrue(swarm(b.store, FIRST) <= 2 + small.maxBatchChanges());

        MirroringNode b2 = new MirroringNode(new TestIdentity(), StoreKind.MEMORY, dir.resolve("b2"), TRANSPORT, null,
                MirroringNode.FAST.withLimits(small));
        closing.add(b2);
        TrackerShare two = a.shares().register(Visibility.PUBLIC, Set.of(SECOND, third, SECRET));
        assertEquals(200, a.announce(two.pathPrefix(), SECOND, 1).status());
        TrackerMirrorInfo mirror2 = b2.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + two.pathPrefix());
        await("following", () -> b2.mirrors().status(mirror2.id()).orElseThrow().state() == TrackerMirrorInfo.State.FOLLOWING);
        long head = b2.store.headSequence();
        assertEquals(200, a.announce(two.pathPrefix(), third, 2).status());
        assertEquals(200, a.announce(two.pathPrefix(), SECRET, 3).status());
        await("torrent quota refusal", () -> b2.mirrors().status(mirror2.id()).orElseThrow().lastError()
                .filter(e -> e.contains("more than 2")).isPresent());
        assertTrue(b2.mirrors().status(mirror2.id()).orElseThrow().torrents() <= 2);
        assertEquals(0, swarm(b2.store, SECRET), "the torrent beyond the quota never reaches B's store");
    }

    static int swarm(TrackerStore store, InfoHash hash) {
        SwarmCounts counts = store.scrape(List.of(hash)).get(hash);
        return counts == null ? 0 : counts.complete() + counts.incomplete();
    }

    @Test
    void aConfiguredMirrorIsSeededOnceSoThatItsRemovalSticks() throws Exception {
        TestIdentity bIdentity = new TestIdentity();
        TestIdentity source = new TestIdentity();
        String token = "abcdefghijklmnopqrstuvwxyz012345";
        List<String> configured = List.of("http://127.0.0.1:9/private/" + token + " via " + source.address());
        MirroringNode b = node(bIdentity, StoreKind.MEMORY, "b", null);
        b.mirrors().importConfigured(configured);
        assertEquals(1, b.mirrors().list().size());
        assertTrue(b.mirrors().remove(b.mirrors().list().get(0).id()));
        b.close();
        closing.remove(b);

        MirroringNode again = node(bIdentity, StoreKind.MEMORY, "b", null);
        again.mirrors().importConfigured(configured);
        assertEquals(List.of(), again.mirrors().list(), "a mirror removed through the API stays removed");
        Path imported = again.dir.resolve("tracker").resolve("mirrors").resolve(MirrorRegistry.IMPORTED_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(imported)));
        assertFalse(Files.readString(imported, StandardCharsets.ISO_8859_1).contains(token),
                "only digests of configured entries are kept");
        again.mirrors().importConfigured(List.of(source.address() + ":6969"));
        assertEquals(1, again.mirrors().list().size(), "a new configured entry is still added");
    }

    @Test
    void aSnapshotIntoASwarmAlreadyBeyondThePeerCapIsRefused() throws Exception {
        MirroringNode a = node(new TestIdentity(), StoreKind.MEMORY, "a", null);
        MirrorLimits small = new MirrorLimits(16 << 20, 1 << 20, 10, 2, 1_000, 64 * 1024, 10_000);
        MirroringNode b = new MirroringNode(new TestIdentity(), StoreKind.MEMORY, dir.resolve("b"), TRANSPORT, null,
                MirroringNode.FAST.withLimits(small));
        closing.add(b);
        // Peers an earlier copy left in B's store (a source that answers 410 again and again gets a new
        // snapshot each time; each may bring other peers).
        for (int p = 1; p <= 3; p++) {
            b.store.apply(new Change(1, Change.Kind.PEER_PUT, FIRST, Optional.of(new PeerEntry(FIRST,
                    new byte[] {(byte) p, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, peer(100 + p),
                    0, 0, 0, Instant.now())), Optional.empty()));
        }
        TrackerShare open = a.shares().register(Visibility.PUBLIC, Set.of(FIRST));
        assertEquals(200, a.announce(open.pathPrefix(), FIRST, 1).status());
        a.server.feed().orElseThrow().poll();   // A's snapshot holds the peer: the snapshot is what is refused
        TrackerMirrorInfo mirror = b.mirrors().mirrorShare(a.identity.address(),
                "http://127.0.0.1:" + a.endpoint().port() + open.pathPrefix());
        await("peer cap refusal", () -> b.mirrors().status(mirror.id()).orElseThrow().lastError()
                .filter(e -> e.contains("at most 2 peers per torrent")).isPresent());
        assertEquals(3, swarm(b.store, FIRST), "the refused snapshot added nothing");
        assertEquals(0, b.mirrors().status(mirror.id()).orElseThrow().position(), "no snapshot was applied");
    }
}
