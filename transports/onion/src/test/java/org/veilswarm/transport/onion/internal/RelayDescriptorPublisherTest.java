package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryScheme;
import org.veilswarm.api.directory.DirectoryStatus;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.transport.onion.circuit.RelayTarget;

class RelayDescriptorPublisherTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final byte[] seed = new byte[32];
    private final byte[] identity;
    private final byte[] ntorKey = X25519.generateKeyPair().publicKey();
    private final InetSocketAddress orPort = new InetSocketAddress("127.0.0.1", 9001);
    private RelayDescriptorPublisher publisher;

    RelayDescriptorPublisherTest() {
        new java.security.SecureRandom().nextBytes(seed);
        identity = Ed25519.publicKeyFromSeed(seed);
    }

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    private RelayDescriptorPublisher publisher(Optional<RelayTarget> target, Duration republish) {
        publisher = new RelayDescriptorPublisher(() -> target, () -> Ed25519.keyPairFromSeed(seed),
                new RelayDescriptorPublisher.Settings(republish, Duration.ofMillis(20), Duration.ofMillis(80), 123_456,
                        Set.of(RelayFlag.GUARD, RelayFlag.HSDIR), "veilswarm-onion-1"),
                Clock.systemUTC());
        return publisher;
    }

    private Optional<RelayTarget> relaying() {
        return Optional.of(new RelayTarget(identity, ntorKey, orPort));
    }

    @Test
    void retriesUntilAcceptedThenRepublishesAStrictlyNewerDescriptorSignedByTheRelayIdentity() throws Exception {
        RecordingScheme scheme = new RecordingScheme("consensus", 3);
        publisher(relaying(), Duration.ofMillis(300)).schemeBound(scheme);

        awaitTrue(() -> scheme.accepted.size() >= 2, () -> "accepted uploads: " + scheme.accepted.size()
                + " of " + scheme.attempts.get() + " attempts");
        assertTrue(scheme.attempts.get() >= 5, "three refusals, then two accepted uploads");
        RelayDescriptorParser parser = RelayDescriptorParser.withSystemClock();
        RelayDescriptor first = parser.parse(scheme.accepted.get(0).document()).descriptor();
        RelayDescriptor second = parser.parse(scheme.accepted.get(1).document()).descriptor();
        assertArrayEquals(identity, first.identity());
        assertArrayEquals(ntorKey, first.ntorOnionKey());
        assertEquals(List.of(orPort), first.orAddresses());
        assertEquals(123_456, first.weight());
        assertEquals(Set.of(RelayFlag.GUARD, RelayFlag.HSDIR), first.flags());
        assertTrue(second.published().isAfter(first.published()),
                "authorities refuse a descriptor not newer than the one they hold: " + first.published() + " then "
                        + second.published());
        assertTrue(publisher.accepted().containsKey("consensus"));
    }

    @Test
    void aTamperedDocumentDoesNotVerify() {
        SignedRelayDescriptor signed = publisher(relaying(), Duration.ofHours(1)).sign().orElseThrow();
        byte[] document = signed.document();
        int at = new String(document, java.nio.charset.StandardCharsets.US_ASCII).indexOf("123456");
        document[at] = '9';
        assertThrows(org.veilswarm.directory.core.DescriptorException.class,
                () -> RelayDescriptorParser.withSystemClock().parse(document));
    }

    @Test
    void everyBoundSchemeGetsTheDescriptorAndAnUnboundOneNoMore() throws Exception {
        RecordingScheme consensus = new RecordingScheme("consensus", 0);
        RecordingScheme merkle = new RecordingScheme("merkle", 0);
        RelayDescriptorPublisher p = publisher(relaying(), Duration.ofMillis(100));
        p.schemeBound(consensus);
        p.schemeBound(merkle);
        awaitTrue(() -> consensus.accepted.size() >= 1 && merkle.accepted.size() >= 1,
                () -> consensus.accepted.size() + " / " + merkle.accepted.size());

        p.schemeUnbound(merkle);
        int afterUnbind = merkle.attempts.get();
        int consensusBefore = consensus.attempts.get();
        // Several republish periods of the scheme still bound pass; the unbound one hears nothing more.
        awaitTrue(() -> consensus.attempts.get() >= consensusBefore + 3, () -> "consensus " + consensus.attempts.get());
        assertTrue(merkle.attempts.get() <= afterUnbind + 1,
                "at most an upload already in flight: " + afterUnbind + " -> " + merkle.attempts.get());
    }

    @Test
    void anUploadStillUnderWayWhenThePublisherClosesNoLongerHoldsIt() throws Exception {
        // An authority that never answers: the scheme's upload lasts until its own timeout. The closed publisher
        // (and with it the transport's bundle revision) must not wait that long to be collected.
        CompletableFuture<Void> hanging = new CompletableFuture<>();
        RecordingScheme scheme = new RecordingScheme("consensus", 0) {
            @Override
            public CompletionStage<Void> publish(SignedRelayDescriptor descriptor) {
                attempts.incrementAndGet();
                return hanging;
            }
        };
        publisher(relaying(), Duration.ofHours(1)).schemeBound(scheme);
        awaitTrue(() -> scheme.attempts.get() == 1, () -> "attempts: " + scheme.attempts.get());
        java.lang.ref.WeakReference<RelayDescriptorPublisher> closed = new java.lang.ref.WeakReference<>(publisher);
        publisher.close();
        publisher = null;
        for (int i = 0; i < 100 && closed.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(closed.get() == null, "the upload under way still holds the closed publisher");
        assertFalse(hanging.isDone(), "the scheme's own future is the scheme's business");
    }

    /**
     * A bundle refresh stops the transport while the publisher signs. In session 19's CI, signing loaded a class of
     * another bundle, which waited for the framework's global lock that the refresh held, while the refresh waited in
     * {@code close} for the publisher's lock: the refresh never ended. {@code close} no longer waits for a signing.
     */
    @Test
    void closeDoesNotWaitForASigningUnderWay() throws Exception {
        Gate signing = new Gate();
        publisher = new RelayDescriptorPublisher(this::relaying, () -> signing.pass(Ed25519.keyPairFromSeed(seed)),
                settings(), Clock.systemUTC());
        assertCloseDoesNotWaitFor(publisher::sign, signing, "the signing under way");
    }

    @Test
    void closeDoesNotWaitForABindingThatAsksTheRelayTarget() throws Exception {
        Gate asking = new Gate();
        publisher = new RelayDescriptorPublisher(() -> asking.pass(relaying()), () -> Ed25519.keyPairFromSeed(seed),
                settings(), Clock.systemUTC());
        RecordingScheme scheme = new RecordingScheme("consensus", 0);
        assertCloseDoesNotWaitFor(() -> publisher.schemeBound(scheme), asking, "a binding asking the relay target");
        Thread.sleep(100);
        assertEquals(0, scheme.attempts.get(), "a scheme bound while the publisher closed was published to");
    }

    private static RelayDescriptorPublisher.Settings settings() {
        return new RelayDescriptorPublisher.Settings(Duration.ofHours(1), Duration.ofMillis(20), Duration.ofMillis(80),
                123_456, Set.of(RelayFlag.GUARD), "veilswarm-onion-1");
    }

    /**
     * Runs {@code work} on a thread of its own until it reaches {@code gate}, closes the publisher meanwhile, and
     * fails if the close waited for the work.
     */
    private void assertCloseDoesNotWaitFor(Runnable work, Gate gate, String what) throws InterruptedException {
        Thread worker = new Thread(work, "worker");
        worker.start();
        assertTrue(gate.reached.await(10, java.util.concurrent.TimeUnit.SECONDS), what + " did not start");
        Thread closer = new Thread(publisher::close, "closer");
        closer.start();
        closer.join(5_000);
        boolean closedMeanwhile = !closer.isAlive();
        gate.release.countDown();
        closer.join(10_000);
        worker.join(10_000);
        assertTrue(closedMeanwhile, "close waited for " + what);
    }

    /** Holds the thread that passes it, standing for a class load waiting for the framework's lock. */
    private static final class Gate {
        final java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        <T> T pass(T value) {
            reached.countDown();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return value;
        }
    }

    @Test
    void aNodeThatDoesNotRelayPublishesNothing() {
        RecordingScheme scheme = new RecordingScheme("consensus", 0);
        RelayDescriptorPublisher p = publisher(Optional.empty(), Duration.ofMillis(50));
        p.schemeBound(scheme);
        assertTrue(p.sign().isEmpty());
        assertEquals(0, scheme.attempts.get());
    }

    @Test
    void onlyGuardAndHsDirCanBeClaimedAndAnythingElseIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RelayDescriptorPublisher.claimedFlags(new String[] {"GUARD", "RUNNING"}));
        assertTrue(e.getMessage().contains("RUNNING"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RelayDescriptorPublisher.claimedFlags(new String[] {"EXIT"}));
        assertEquals(Set.of(RelayFlag.HSDIR), RelayDescriptorPublisher.claimedFlags(new String[] {" hsdir"}));
    }

    private static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> seen)
            throws InterruptedException {
        Instant end = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition not met within " + DEADLINE + "; saw " + seen.get());
            }
            Thread.sleep(10);
        }
    }

    /** A directory that refuses the first uploads (authorities not up yet) and records what it accepts. */
    private static class RecordingScheme implements DirectoryScheme {
        final String name;
        final int refusals;
        final AtomicInteger attempts = new AtomicInteger();
        final List<SignedRelayDescriptor> accepted = new CopyOnWriteArrayList<>();

        RecordingScheme(String name, int refusals) {
            this.name = name;
            this.refusals = refusals;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public RelaySampler sampler() {
            throw new UnsupportedOperationException("not a client in this test");
        }

        @Override
        public CompletionStage<Void> publish(SignedRelayDescriptor descriptor) {
            if (attempts.incrementAndGet() <= refusals) {
                return CompletableFuture.failedFuture(new java.io.IOException("authority not listening yet"));
            }
            accepted.add(descriptor);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<ChannelInitializer<Channel>> directoryService() {
            return Optional.empty();
        }

        @Override
        public DirectoryStatus status() {
            throw new UnsupportedOperationException("not asked in this test");
        }
    }
}
