package org.veilswarm.directory.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

/** Deterministic relays, keys and clocks for the tests (seeded, never the system clock). */
final class TestRelays {
    static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final RelayDescriptorParser PARSER = new RelayDescriptorParser(CLOCK, Duration.ofMinutes(10));

    private static List<SignedRelayDescriptor> pool;

    private TestRelays() {
    }

    static Ed25519KeyPair key(Random random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    static Ed25519KeyPair key(int n) {
        return key(new Random(0x5eed0000L + n));
    }

    /** A relay with every flag, weight {@code weight}, one IPv4 address. */
    static SignedRelayDescriptor relay(Ed25519KeyPair key, long weight, Set<RelayFlag> flags) {
        RelayDescriptor d = new RelayDescriptor(key.publicKey(), new byte[32],
                List.of(new InetSocketAddress(address(new byte[] {10, 0, 0, 1}), 9001)), weight, 0, Set.of(),
                "0.1.0", flags, NOW.minusSeconds(600));
        return RelayDescriptorDocument.sign(d, key);
    }

    static SignedRelayDescriptor randomRelay(Random random) {
        Ed25519KeyPair key = key(random);
        byte[] ntor = new byte[32];
        random.nextBytes(ntor);
        List<InetSocketAddress> addresses = new ArrayList<>();
        addresses.add(new InetSocketAddress(address(new byte[] {(byte) (1 + random.nextInt(223)),
            (byte) random.nextInt(256), (byte) random.nextInt(256), (byte) random.nextInt(256)}),
                1 + random.nextInt(65535)));
        if (random.nextInt(4) == 0) {
            byte[] v6 = new byte[16];
            random.nextBytes(v6);
            v6[0] = 0x20;
            addresses.add(new InetSocketAddress(address(v6), 443));
        }
        Set<RelayDescriptor.Key> family = new HashSet<>();
        if (random.nextInt(5) == 0) {
            for (int i = random.nextInt(3); i >= 0; i--) {
                byte[] member = new byte[32];
                random.nextBytes(member);
                family.add(new RelayDescriptor.Key(member));
            }
        }
        Set<RelayFlag> flags = EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID);
        if (random.nextInt(10) < 4) {
            flags.addAll(EnumSet.of(RelayFlag.GUARD, RelayFlag.FAST, RelayFlag.STABLE));
        }
        if (random.nextInt(10) < 3) {
            flags.add(RelayFlag.HSDIR);
        }
        long observed = 1 + random.nextInt(10_000_000);
        long configured = random.nextInt(3) == 0 ? 1 + random.nextInt(20_000_000) : 0;
        RelayDescriptor d = new RelayDescriptor(key.publicKey(), ntor, addresses, observed, configured, family,
                "0.1." + random.nextInt(20), flags, NOW.minusSeconds(random.nextInt(86_400)));
        return RelayDescriptorDocument.sign(d, key);
    }

    /** 10,000 random signed relays, made once per JVM (seeded). */
    static synchronized List<SignedRelayDescriptor> pool() {
        if (pool == null) {
            Random random = new Random(20261122L);
            List<SignedRelayDescriptor> relays = new ArrayList<>(10_000);
            for (int i = 0; i < 10_000; i++) {
                relays.add(randomRelay(random));
            }
            pool = List.copyOf(relays);
        }
        return pool;
    }

    static List<Ed25519KeyPair> authorities(int n) {
        List<Ed25519KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(key(1000 + i));
        }
        return keys;
    }

    static AuthoritySet authoritySet(List<Ed25519KeyPair> keys) {
        Set<RelayDescriptor.Key> set = new HashSet<>();
        keys.forEach(k -> set.add(new RelayDescriptor.Key(k.publicKey())));
        return new AuthoritySet(set);
    }

    /** A consensus valid for an hour around {@link #NOW}, signed by every given authority. */
    static MerkleDirectory directory(List<SignedRelayDescriptor> relays, List<Ed25519KeyPair> signers) {
        return directory(relays, signers, NOW.minusSeconds(1800), NOW.plusSeconds(1800));
    }

    /** A consensus valid from {@code validAfter} to {@code validUntil}, signed by every given authority. */
    static MerkleDirectory directory(List<SignedRelayDescriptor> relays, List<Ed25519KeyPair> signers,
            Instant validAfter, Instant validUntil) {
        MerkleConsensus consensus = MerkleConsensus.build(relays, validAfter, validUntil);
        List<HeaderSignature> signatures = new ArrayList<>();
        signers.forEach(k -> signatures.add(consensus.header().sign(k)));
        return consensus.serve(signatures);
    }

    static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
