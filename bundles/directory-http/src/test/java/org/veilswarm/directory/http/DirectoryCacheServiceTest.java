package org.veilswarm.directory.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.RelayDescriptorDocument;

/** A cache never rolls back to an older directory (docs/protocols/directory-consensus.md §5, caches). */
class DirectoryCacheServiceTest {
    private static final Instant T = Instant.parse("2026-11-22T12:00:00Z");
    private static final List<Ed25519KeyPair> AUTHORITIES = List.of(key(100), key(101), key(102));

    private static Ed25519KeyPair key(int n) {
        byte[] seed = new byte[32];
        new Random(0xcac4e000L + n).nextBytes(seed);
        return Ed25519.keyPairFromSeed(seed);
    }

    private static PublishedDirectory directory(Instant validAfter, long weight, int signers) throws Exception {
        Ed25519KeyPair relay = key(1);
        RelayDescriptor d = new RelayDescriptor(relay.publicKey(), new byte[32],
                List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9001)), 1_000_000, 0, Set.of(),
                "0.1.0", Set.of(), T.minusSeconds(600));
        ConsensusDocument list = new ConsensusDocument(validAfter, validAfter.plusSeconds(3600), List.of(
                new ConsensusEntry(RelayDescriptorDocument.sign(d, relay), EnumSet.of(RelayFlag.RUNNING,
                        RelayFlag.VALID), weight)));
        MerkleConsensus merkle = MerkleConsensus.of(list);
        List<HeaderSignature> listSignatures = new ArrayList<>();
        List<HeaderSignature> headerSignatures = new ArrayList<>();
        for (Ed25519KeyPair k : AUTHORITIES.subList(0, signers)) {
            listSignatures.add(list.sign(k));
            headerSignatures.add(merkle.header().sign(k));
        }
        return PublishedDirectory.of(list.withSignatures(listSignatures), headerSignatures);
    }

    @Test
    void onlyALaterPeriodOrTheSameListReplacesWhatIsHeld() throws Exception {
        DirectoryCacheService cache = new DirectoryCacheService();
        PublishedDirectory current = directory(T, 1000, 2);
        assertTrue(cache.install(current));

        assertFalse(cache.install(directory(T.minusSeconds(3600), 1000, 3)), "last period's directory");
        assertFalse(cache.install(directory(T, 2000, 3)), "another list for the same period");
        assertSame(current, cache.current().orElseThrow());

        PublishedDirectory moreSignatures = directory(T, 1000, 3);
        assertTrue(cache.install(moreSignatures), "the same list with another signature");
        assertEquals(3, cache.current().orElseThrow().consensus().signatures().size());

        PublishedDirectory next = directory(T.plusSeconds(3600), 1000, 2);
        assertTrue(cache.install(next));
        assertSame(next, cache.current().orElseThrow());
    }

    @Test
    void updateAppliesTheSameRule() throws Exception {
        DirectoryCacheService cache = new DirectoryCacheService();
        PublishedDirectory current = directory(T, 1000, 2);
        cache.update(current);
        cache.update(directory(T.minusSeconds(3600), 1000, 3));
        assertSame(current, cache.current().orElseThrow());
    }
}
