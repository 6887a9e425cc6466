package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.RelayDescriptorDocument;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryRequest;
import org.veilswarm.directory.http.DirectoryResponse;

/** The authority's bounds (docs/protocols/directory-consensus.md §1.1–§1.3): relays held, per address, probes. */
class AuthorityLimitsTest {
    private static final Instant START = Instant.parse("2026-11-22T12:00:00Z");
    private static final FlagPolicy QUICK = new FlagPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, 1,
            1L << 30, Set.of(), Duration.ofHours(1));
    private static final Ed25519KeyPair AUTHORITY = Relays.key(100);

    /** A clock the test moves forward. */
    private static final class SteppingClock extends Clock {
        private volatile Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static DirectoryAuthority authority(AuthorityLimits limits, ReachabilityProbe probe, Clock clock) {
        return new DirectoryAuthority(AUTHORITY, new AuthoritySet(Set.of(new RelayDescriptor.Key(
                AUTHORITY.publicKey()))), QUICK, limits, new RelayDescriptorParser(clock, Duration.ofMinutes(5)),
                probe, clock);
    }

    private static SignedRelayDescriptor relay(int n, String address, Instant published) throws Exception {
        Ed25519KeyPair key = Relays.key(n);
        return RelayDescriptorDocument.sign(new RelayDescriptor(key.publicKey(), new byte[32],
                List.of(new InetSocketAddress(InetAddress.getByName(address), 9001)), 1_000_000, 0, Set.of(), "0.1.0",
                Set.of(), published), key);
    }

    private static final ReachabilityProbe ALWAYS = relay -> CompletableFuture.completedFuture(null);

    @Test
    void aNewIdentityBeyondTheCapIsRefusedAsFull() throws Exception {
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(new AuthorityLimits(2, 2, 64), ALWAYS, clock);
        assertEquals(DirectoryAuthority.Upload.ACCEPTED, a.accept(relay(1, "10.0.0.1", START).document()));
        assertEquals(DirectoryAuthority.Upload.ACCEPTED, a.accept(relay(2, "10.0.0.2", START).document()));
        assertEquals(DirectoryAuthority.Upload.FULL, a.accept(relay(3, "10.0.0.3", START).document()));
        // A known identity still updates, and expired relays make room.
        clock.now = START.plusSeconds(1800);
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(2, "10.0.0.2", START.plusSeconds(1800)).document()));
        clock.now = START.plusSeconds(3601);
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(3, "10.0.0.3", START.plusSeconds(3600)).document()));
        assertEquals(2, a.knownRelays());
    }

    @Test
    void atMostTwoRelaysPerAddressAreListedTheLongestKnownFirst() throws Exception {
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(AuthorityLimits.DEFAULT, ALWAYS, clock);
        // Relays 1..4 share 10.0.0.1 and arrive one minute apart (4 first); relay 5 is alone on 10.0.0.2.
        for (int n = 4; n >= 1; n--) {
            a.accept(relay(n, "10.0.0.1", clock.now).document());
            clock.now = clock.now.plusSeconds(60);
        }
        a.accept(relay(5, "10.0.0.2", clock.now).document());
        a.checkReachability().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Set<RelayDescriptor.Key> listed = a.vote(clock.now.plusSeconds(60), clock.now.plusSeconds(3660)).document()
                .entries().stream().map(ConsensusEntry::identity).collect(Collectors.toSet());
        Set<RelayDescriptor.Key> expected = new HashSet<>();
        for (int n : new int[] {4, 3, 5}) {
            expected.add(new RelayDescriptor.Key(Relays.key(n).publicKey()));
        }
        assertEquals(expected, listed);
    }

    @Test
    void probesRunThroughABoundedNumberOfSlots() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger probed = new AtomicInteger();
        Executor later = CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS);
        ReachabilityProbe slow = relay -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return CompletableFuture.runAsync(() -> {
                inFlight.decrementAndGet();
                probed.incrementAndGet();
            }, later);
        };
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(new AuthorityLimits(1000, 2, 8), slow, clock);
        for (int n = 1; n <= 60; n++) {
            a.accept(relay(n, "10.0." + n + ".1", START).document());
        }
        a.checkReachability().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(60, probed.get());
        assertTrue(most.get() <= 8, "at most 8 probes in flight, saw " + most.get());
        List<ConsensusEntry> listed = a.vote(START.plusSeconds(60), START.plusSeconds(3660)).document().entries();
        assertEquals(60, listed.size());
    }

    @Test
    void uploadsBeyondTheSourceAllowanceAreRateLimitedUntilTheWindowEnds() throws Exception {
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(new AuthorityLimits(1000, 2, 8, 3, 10, Duration.ofMinutes(1)), ALWAYS,
                clock);
        InetAddress flooder = InetAddress.getByName("192.0.2.7");
        for (int n = 1; n <= 3; n++) {
            assertEquals(DirectoryAuthority.Upload.ACCEPTED, a.accept(relay(n, "10.0.0." + n, START).document(),
                    flooder));
        }
        assertEquals(DirectoryAuthority.Upload.RATE_LIMITED,
                a.accept(relay(4, "10.0.0.4", START).document(), flooder));
        // A refused upload is not kept, and costs the flooder nothing else: garbage is refused before parsing.
        assertEquals(3, a.knownRelays());
        assertEquals(DirectoryAuthority.Upload.RATE_LIMITED, a.accept(new byte[] {'x'}, flooder));
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(4, "10.0.0.4", START).document(), InetAddress.getByName("192.0.2.8")),
                "another source has its own allowance");
        clock.now = START.plusSeconds(60);
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(5, "10.0.0.5", START).document(), flooder), "a new window");
    }

    @Test
    void anIpv6SourceIsCountedByItsSlash64() throws Exception {
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(new AuthorityLimits(1000, 2, 8, 2, 10, Duration.ofMinutes(1)), ALWAYS,
                clock);
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(1, "10.0.0.1", START).document(), InetAddress.getByName("2001:db8:0:1::1")));
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(2, "10.0.0.2", START).document(), InetAddress.getByName("2001:db8:0:1::2")));
        assertEquals(DirectoryAuthority.Upload.RATE_LIMITED,
                a.accept(relay(3, "10.0.0.3", START).document(), InetAddress.getByName("2001:db8:0:1:ffff::3")));
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(3, "10.0.0.3", START).document(), InetAddress.getByName("2001:db8:0:2::3")));
    }

    @Test
    void oneIdentityIsLimitedWhateverAddressItUploadsFrom() throws Exception {
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(new AuthorityLimits(1000, 2, 8, 100, 2, Duration.ofMinutes(1)), ALWAYS,
                clock);
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(1, "10.0.0.1", START).document(), InetAddress.getByName("192.0.2.1")));
        assertEquals(DirectoryAuthority.Upload.UNCHANGED,
                a.accept(relay(1, "10.0.0.1", START).document(), InetAddress.getByName("192.0.2.2")));
        assertEquals(DirectoryAuthority.Upload.RATE_LIMITED,
                a.accept(relay(1, "10.0.0.1", START.plusSeconds(1)).document(), InetAddress.getByName("192.0.2.3")));
        assertEquals(DirectoryAuthority.Upload.ACCEPTED,
                a.accept(relay(2, "10.0.0.2", START).document(), InetAddress.getByName("192.0.2.3")));
    }

    @Test
    void theHttpAnswerToARateLimitedUploadIs429WithTheAllowance() throws Exception {
        SteppingClock clock = new SteppingClock();
        DirectoryAuthority a = authority(new AuthorityLimits(1000, 2, 8, 1, 10, Duration.ofMinutes(1)), ALWAYS,
                clock);
        AuthorityHttpService http = new AuthorityHttpService(a);
        java.util.Optional<InetAddress> source = java.util.Optional.of(InetAddress.getByName("192.0.2.9"));
        DirectoryResponse first = http.serve(new DirectoryRequest(
                "POST", DirectoryPaths.DESCRIPTOR, relay(1, "10.0.0.1", START).document(),
                false, source)).orElseThrow();
        assertEquals(200, first.status());
        DirectoryResponse second = http.serve(new DirectoryRequest(
                "POST", DirectoryPaths.DESCRIPTOR, relay(2, "10.0.0.2", START).document(),
                false, source)).orElseThrow();
        assertEquals(429, second.status());
        String body = new String(second.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(body.startsWith("RATE_LIMITED: at most 1 descriptor uploads per source address and 10 per relay "
                + "identity every 60 s"), body);
    }

    @Test
    void limitsRefuseNonsense() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new AuthorityLimits(1, 1, 1, 0, 1, Duration.ofMinutes(1)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new AuthorityLimits(1, 1, 1, 1, 1, Duration.ZERO));
    }
}
