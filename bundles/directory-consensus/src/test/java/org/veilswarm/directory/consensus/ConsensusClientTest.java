package org.veilswarm.directory.consensus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.RelayDescriptorParser;

/**
 * The consensus client against directory servers on 127.0.0.1, one honest and one malicious: whatever the
 * malicious one serves (minority-signed, forged, wrong-key, expired, not yet valid, garbage), the client
 * never uses it, marks it bad whenever it asked it, and picks from the honest list; with the strict
 * descriptor parser (even seeds) and with the one that leaves relay signatures to the authorities (odd seeds).
 */
class ConsensusClientTest {
    private static final RelayDescriptorParser PARSER = RelayDescriptorParser.withSystemClock();
    private static TestDirectoryNetwork net;
    private static ConsensusDocument honestDocument;
    private static byte[] honest;

    @BeforeAll
    static void setUp() {
        net = new TestDirectoryNetwork();
        long[] weights = new long[12];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1000L * (i + 1);
        }
        honestDocument = net.document(net.entries(weights));
        honest = net.signedBy(honestDocument, 0, 1, 2).encode();
    }

    @AfterAll
    static void tearDown() throws Exception {
        net.close();
    }

    private static Map<String, byte[]> maliciousLists() {
        Map<String, byte[]> lists = new LinkedHashMap<>();
        lists.put("minority", net.signedBy(honestDocument, 1).encode());
        List<ConsensusEntry> boosted = new ArrayList<>(honestDocument.entries());
        ConsensusEntry first = boosted.get(0);
        boosted.set(0, new ConsensusEntry(first.signed(), first.flags(), 1L << 30));
        ConsensusDocument forged = net.document(boosted);
        List<HeaderSignature> copied = net.signedBy(honestDocument, 0, 1, 2).signatures();
        lists.put("forged-weights", forged.withSignatures(copied).encode());
        List<HeaderSignature> wrongKey = new ArrayList<>();
        for (HeaderSignature s : copied) {
            wrongKey.add(new HeaderSignature(s.authority(), TestDirectoryNetwork.key(999).sign(honestDocument.digest())));
        }
        lists.put("wrong-key", honestDocument.withSignatures(wrongKey).encode());
        byte[] garbage = new byte[3000];
        new Random(5).nextBytes(garbage);
        lists.put("garbage", garbage);
        byte[] flipped = honest.clone();
        flipped[flipped.length / 2] ^= 0x10;
        lists.put("one-bit-flipped", flipped);
        return lists;
    }

    private static ConsensusClient client(List<TestDirectoryNetwork.Server> servers, long seed) {
        // Odd seeds use the parser the component uses (relay signatures vouched for by the authorities).
        RelayDescriptorParser parser = seed % 2 == 0 ? PARSER : RelayDescriptorParser.vouchedForByAuthorities();
        return new ConsensusClient(net.authorities, servers.stream().map(TestDirectoryNetwork.Server::client).toList(),
                parser, Clock.systemUTC(), new SplittableRandom(seed), ConsensusClient.DEFAULT_MAX_DRAWS);
    }

    @Test
    void aMaliciousDirectoryIsCaughtEveryTimeAndTheHonestListIsUsed() throws Exception {
        TestDirectoryNetwork.Server good = net.serve(honest);
        for (Map.Entry<String, byte[]> bad : maliciousLists().entrySet()) {
            TestDirectoryNetwork.Server liar = net.serve(bad.getValue());
            int askedTheLiar = 0;
            for (long seed = 0; seed < 6; seed++) {
                int before = liar.requests().get();
                ConsensusClient client = client(List.of(liar, good), seed);
                RelayDescriptor picked = client.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS);
                assertArrayEquals(honestDocument.digest(), client.consensus().toCompletableFuture().get().document()
                        .digest(), bad.getKey());
                assertTrue(honestDocument.entries().stream().anyMatch(e -> e.signed().descriptor().sameRelay(picked)));
                assertFalse(client.badDirectories().contains(good.name()), "the honest directory is never blamed");
                if (liar.requests().get() > before) {
                    askedTheLiar++;
                    assertEquals(java.util.Set.of(liar.name()), client.badDirectories(), bad.getKey()
                            + ": asked and not marked bad");
                }
            }
            assertTrue(askedTheLiar > 0, bad.getKey() + ": six seeds never chose the liar first");
        }
    }

    /** Expired or not-yet-valid lists are directories behind or ahead at a period change: skipped, not blamed. */
    @Test
    void staleAndEarlyListsAreSkippedNotBlamed() throws Exception {
        TestDirectoryNetwork.Server good = net.serve(honest);
        ConsensusDocument expired = new ConsensusDocument(net.validAfter.minusSeconds(7200),
                net.validAfter.minusSeconds(3600), honestDocument.entries());
        ConsensusDocument future = new ConsensusDocument(net.validUntil, net.validUntil.plusSeconds(3600),
                honestDocument.entries());
        for (ConsensusDocument d : List.of(expired, future)) {
            TestDirectoryNetwork.Server behind = net.serve(net.signedBy(d, 0, 1, 2).encode());
            for (long seed = 0; seed < 4; seed++) {
                ConsensusClient client = client(List.of(behind, good), seed);
                assertArrayEquals(honestDocument.digest(), client.consensus().toCompletableFuture()
                        .get(20, TimeUnit.SECONDS).document().digest());
                assertTrue(client.badDirectories().isEmpty(), client.badDirectories().toString());
            }
            assertTrue(behind.requests().get() > 0, "four seeds never asked the directory behind");
        }
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        volatile java.time.Instant now;

        MovableClock(java.time.Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** Right before a period starts every directory serves a list not yet valid: the client must not lock out. */
    @Test
    void aListNotYetValidIsUsedOnceItIs() throws Exception {
        TestDirectoryNetwork.Server only = net.serve(honest);
        MovableClock clock = new MovableClock(net.validAfter.minusSeconds(10));
        ConsensusClient client = new ConsensusClient(net.authorities, List.of(only.client()), PARSER, clock,
                new SplittableRandom(7), ConsensusClient.DEFAULT_MAX_DRAWS);
        ExecutionException early = assertThrows(ExecutionException.class,
                () -> client.consensus().toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertInstanceOf(DirectoryException.class, early.getCause());
        assertTrue(client.badDirectories().isEmpty());
        clock.now = net.validAfter.plusSeconds(1);
        assertArrayEquals(honestDocument.digest(), client.consensus().toCompletableFuture()
                .get(20, TimeUnit.SECONDS).document().digest());
    }

    /**
     * A list voted while relays were still uploading (here: no guard yet) fails picks; once the next list is out
     * (a third of the validity after valid-after) a failing pick brings it in, and a failing pick asks again at
     * most every twelfth of the validity (the directory's request count).
     */
    @Test
    void aListThatCannotServeAPickIsReplacedOnceTheNextListIsOut() throws Exception {
        Duration validity = Duration.between(net.validAfter, net.validUntil);
        List<ConsensusEntry> noGuard = new ArrayList<>();
        for (ConsensusEntry e : honestDocument.entries()) {
            java.util.EnumSet<org.veilswarm.api.directory.RelayFlag> flags = java.util.EnumSet.copyOf(e.flags());
            flags.remove(org.veilswarm.api.directory.RelayFlag.GUARD);
            noGuard.add(new ConsensusEntry(e.signed(), flags, e.weight()));
        }
        byte[] early = net.signedBy(new ConsensusDocument(net.validAfter, net.validUntil, noGuard), 0, 1, 2).encode();
        Instant nextValidAfter = net.validAfter.plus(validity.dividedBy(3));
        ConsensusDocument nextDocument = new ConsensusDocument(nextValidAfter, nextValidAfter.plus(validity),
                honestDocument.entries());
        byte[] next = net.signedBy(nextDocument, 0, 1, 2).encode();
        java.util.concurrent.atomic.AtomicReference<byte[]> served = new java.util.concurrent.atomic.AtomicReference<>(early);
        TestDirectoryNetwork.Server directory = net.serve(served::get);
        MovableClock clock = new MovableClock(net.validAfter.plusSeconds(1));
        ConsensusClient client = new ConsensusClient(net.authorities, List.of(directory.client()), PARSER, clock,
                new SplittableRandom(3), ConsensusClient.DEFAULT_MAX_DRAWS);

        assertGuardPickFails(client);
        assertGuardPickFails(client);
        assertEquals(1, directory.requests().get(), "while the list is the freshest, a failing pick keeps it");

        clock.now = nextValidAfter.plusSeconds(1); // no newer list yet: the early download brings the same one
        assertGuardPickFails(client);
        awaitRequests(directory, 2);
        assertGuardPickFails(client);
        assertEquals(2, directory.requests().get(), "asked again at once");

        clock.now = clock.now.plus(validity.dividedBy(12));
        served.set(next);
        assertGuardPickFails(client); // still the early list; this pick starts the download of the next
        awaitRequests(directory, 3);
        awaitListInUse(client, nextDocument, "the next list never replaced the early one");
        RelayDescriptor guard = client.pick(RelayRole.GUARD, PathConstraints.none()).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertTrue(nextDocument.entries().stream().anyMatch(e -> e.signed().descriptor().sameRelay(guard)));
        assertEquals(3, directory.requests().get());
    }

    /**
     * dir-spec §5.1: a client downloads the next list before the one in use expires, at a random time from fresh-until
     * plus three quarters of an interval to seven eighths of the rest (here 91/96 of the validity at the latest), in
     * the background: the pick that finds it due is served from the list in use.
     */
    @Test
    void theNextListIsDownloadedBeforeTheOneInUseExpires() throws Exception {
        Duration validity = Duration.between(net.validAfter, net.validUntil);
        Instant nextValidAfter = net.validAfter.plus(validity.dividedBy(3));
        ConsensusDocument nextDocument = new ConsensusDocument(nextValidAfter, nextValidAfter.plus(validity),
                honestDocument.entries());
        java.util.concurrent.atomic.AtomicReference<byte[]> served = new java.util.concurrent.atomic.AtomicReference<>(honest);
        TestDirectoryNetwork.Server directory = net.serve(served::get);
        MovableClock clock = new MovableClock(net.validAfter.plusSeconds(1));
        ConsensusClient client = new ConsensusClient(net.authorities, List.of(directory.client()), PARSER, clock,
                new SplittableRandom(11), ConsensusClient.DEFAULT_MAX_DRAWS);
        client.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        served.set(net.signedBy(nextDocument, 0, 1, 2).encode());
        clock.now = net.validAfter.plus(validity.multipliedBy(7).dividedBy(12)).minusSeconds(1); // before the window
        client.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        Thread.sleep(200);
        assertEquals(1, directory.requests().get(), "not due yet");

        clock.now = net.validAfter.plus(validity.multipliedBy(92).dividedBy(96)); // past the window, still valid
        assertArrayEquals(honestDocument.digest(), client.consensus().toCompletableFuture().get(20, TimeUnit.SECONDS)
                .document().digest(), "served from the list in use while the next one downloads");
        awaitRequests(directory, 2);
        awaitListInUse(client, nextDocument, "the next list never replaced the one in use");
        assertEquals(2, directory.requests().get());
    }

    /** Waits until the list in use (read without starting a download) is {@code expected}. */
    private static void awaitListInUse(ConsensusClient client, ConsensusDocument expected, String failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!client.cached().map(c -> Arrays.equals(expected.digest(), c.document().digest())).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(20);
        }
    }

    private static void assertGuardPickFails(ConsensusClient client) {
        assertThrows(ExecutionException.class, () -> client.pick(RelayRole.GUARD, PathConstraints.none())
                .toCompletableFuture().get(20, TimeUnit.SECONDS));
    }

    private static void awaitRequests(TestDirectoryNetwork.Server directory, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (directory.requests().get() < requests) {
            assertTrue(System.nanoTime() < deadline, "no download " + requests + " within 20 s");
            Thread.sleep(20);
        }
        Thread.sleep(200); // the download's answer is verified and weighed before the next step
    }

    @Test
    void badMarksExpireAndAreForgottenWhenEveryDirectoryIsMarked() throws Exception {
        TestDirectoryNetwork.Server liar = net.serve(net.signedBy(honestDocument, 1).encode());
        MovableClock clock = new MovableClock(net.validAfter.plusSeconds(1));
        ConsensusClient client = new ConsensusClient(net.authorities, List.of(liar.client()), PARSER, clock,
                new SplittableRandom(8), ConsensusClient.DEFAULT_MAX_DRAWS, Duration.ofMinutes(10));
        assertThrows(ExecutionException.class, () -> client.consensus().toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertEquals(java.util.Set.of(liar.name()), client.badDirectories());
        // Every directory marked: the marks are forgotten, the directory asked (and caught) again.
        assertThrows(ExecutionException.class, () -> client.consensus().toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertEquals(2, liar.requests().get());
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertTrue(client.badDirectories().isEmpty(), "marks expire");
    }

    @Test
    void extraSignaturesByStrangersDoNotMakeADirectoryBad() throws Exception {
        List<HeaderSignature> s = new ArrayList<>(net.signedBy(honestDocument, 0, 1).signatures());
        s.add(honestDocument.sign(TestDirectoryNetwork.key(500)));
        TestDirectoryNetwork.Server extra = net.serve(honestDocument.withSignatures(s).encode());
        ConsensusClient client = client(List.of(extra), 1);
        assertEquals(12, client.consensus().toCompletableFuture().get(20, TimeUnit.SECONDS).entries().size());
        assertTrue(client.badDirectories().isEmpty());
    }

    @Test
    void onlyLiarsLeftIsAClearFailure() throws Exception {
        TestDirectoryNetwork.Server a = net.serve(net.signedBy(honestDocument, 0).encode());
        TestDirectoryNetwork.Server b = net.serve(new byte[] {1, 2, 3});
        ConsensusClient client = client(List.of(a, b), 3);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> client.pick(RelayRole.GUARD, PathConstraints.none()).toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertInstanceOf(DirectoryException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("2 marked bad"), e.getCause().getMessage());
        // Asking again fails at once, with the same clear reason (nothing left to ask).
        ExecutionException again = assertThrows(ExecutionException.class,
                () -> client.pick(RelayRole.GUARD, PathConstraints.none()).toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertInstanceOf(DirectoryException.class, again.getCause());
    }

    @Test
    void theListIsDownloadedOnceAndCompressed() throws Exception {
        TestDirectoryNetwork.Server good = net.serve(honest);
        ConsensusClient client = client(List.of(good), 4);
        for (int i = 0; i < 30; i++) {
            client.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        assertEquals(1, good.requests().get());
        assertTrue(client.bytesTransferred() > 0 && client.bytesTransferred() < honest.length,
                client.bytesTransferred() + " bytes for a " + honest.length + "-byte list");
    }

    /**
     * 40,000 picks from a list whose weights are 1,000 … 20,000 (the descriptors all claim the same bandwidth):
     * the counts fit the list's weights (chi-square, 19 degrees of freedom, critical value 43.82 at p = 0.001,
     * seeded so the verdict is fixed), and the same counts are far from what the descriptors' own bandwidth
     * would give, which shows the test can fail.
     */
    @Test
    void picksFollowTheListWeightsChiSquare() throws Exception {
        long[] weights = new long[20];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1000L * (i + 1);
        }
        ConsensusDocument d = net.document(net.entries(weights));
        TestDirectoryNetwork.Server server = net.serve(net.signedBy(d, 0, 1, 2).encode());
        ConsensusClient client = client(List.of(server), 20261122L);
        Map<RelayDescriptor.Key, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < d.entries().size(); i++) {
            index.put(d.entries().get(i).identity(), i);
        }
        int picks = 40_000;
        long[] observed = new long[weights.length];
        for (int i = 0; i < picks; i++) {
            RelayDescriptor r = client.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get();
            observed[index.get(r.identityKey())]++;
        }
        double[] byList = new double[weights.length];
        long sum = d.entries().stream().mapToLong(ConsensusEntry::weight).sum();
        for (int i = 0; i < byList.length; i++) {
            byList[i] = picks * (double) d.entries().get(i).weight() / sum;
        }
        double[] byDescriptor = new double[weights.length];
        Arrays.fill(byDescriptor, picks / (double) weights.length);
        assertTrue(chiSquare(observed, byList) < 43.82, "chi-square " + chiSquare(observed, byList));
        assertTrue(chiSquare(observed, byDescriptor) > 1000, "the descriptor weights must not fit");
    }

    private static double chiSquare(long[] observed, double[] expected) {
        double x = 0;
        for (int i = 0; i < observed.length; i++) {
            double diff = observed[i] - expected[i];
            x += diff * diff / expected[i];
        }
        return x;
    }

    @Test
    void aClosedDirectoryIsSkippedNotBlamed() throws Exception {
        TestDirectoryNetwork.Server good = net.serve(honest);
        java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
        java.net.InetSocketAddress closed = (java.net.InetSocketAddress) s.getLocalSocketAddress();
        s.close();
        var down = new org.veilswarm.directory.http.DirectoryHttpClient(
                new org.veilswarm.directory.http.TcpDirectoryConnector(net.group, closed), Duration.ofSeconds(5), 1 << 20,
                true);
        for (long seed = 0; seed < 4; seed++) {
            ConsensusClient client = new ConsensusClient(net.authorities, List.of(down, good.client()), PARSER,
                    Clock.systemUTC(), new SplittableRandom(seed), 8);
            client.consensus().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertTrue(client.badDirectories().isEmpty());
        }
    }

}
