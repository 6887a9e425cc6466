package org.veilswarm.api.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PathConstraintsTest {

    private static RelayDescriptor relay(int id, Set<RelayDescriptor.Key> family) {
        byte[] identity = new byte[32];
        identity[0] = (byte) id;
        return new RelayDescriptor(identity, new byte[32], List.of(new InetSocketAddress("127.0.0.1", 9000 + id)),
                1000, 0, family, "0.1.0", Set.of(RelayFlag.RUNNING, RelayFlag.VALID), Instant.EPOCH);
    }

    @Test
    void excludesChosenRelaysAndFamilies() {
        RelayDescriptor b0 = relay(2, Set.of());
        RelayDescriptor a = relay(1, Set.of(b0.identityKey()));
        RelayDescriptor b = relay(2, Set.of(a.identityKey()));
        RelayDescriptor c = relay(3, Set.of());
        PathConstraints afterA = PathConstraints.none().with(a);
        assertFalse(afterA.allows(a));
        assertFalse(afterA.allows(b), "a and b declare each other as family");
        assertTrue(afterA.allows(c));
        PathConstraints relayOnly = new PathConstraints(List.of(a), false, Set.of(c.identityKey()));
        assertTrue(relayOnly.allows(b), "family exclusion off");
        assertFalse(relayOnly.allows(c), "explicitly excluded");
    }

    @Test
    void aFamilyClaimCountsOnlyWhenBothSidesMakeIt() {
        RelayDescriptor honest = relay(1, Set.of());
        RelayDescriptor claimant = relay(2, Set.of(honest.identityKey()));
        assertFalse(claimant.sameFamily(honest), "a one-sided claim does not make a family");
        assertFalse(honest.sameFamily(claimant));
        assertTrue(PathConstraints.none().with(claimant).allows(honest), "the claimant cannot push the honest relay out");
        RelayDescriptor agreeing = relay(1, Set.of(claimant.identityKey()));
        assertTrue(claimant.sameFamily(agreeing));
        assertTrue(agreeing.sameFamily(claimant));
        assertTrue(honest.sameFamily(honest), "a relay is of its own family");
    }

    @Test
    void weightIsCappedByConfiguredRate() {
        byte[] k = new byte[32];
        RelayDescriptor capped = new RelayDescriptor(k, k, List.of(new InetSocketAddress("127.0.0.1", 1)), 5000, 2000,
                Set.of(), "v", Set.of(), Instant.EPOCH);
        assertEquals(2000, capped.weight());
        assertThrows(IllegalArgumentException.class, () -> new RelayDescriptor(new byte[31], k,
                List.of(new InetSocketAddress("127.0.0.1", 1)), 1, 0, Set.of(), "v", Set.of(), Instant.EPOCH));
        assertThrows(IllegalArgumentException.class,
                () -> new RelayDescriptor(k, k, List.of(), 1, 0, Set.of(), "v", Set.of(), Instant.EPOCH));
    }

    @Test
    void descriptorsCompareByContent() {
        assertEquals(relay(4, Set.of()), relay(4, Set.of()));
        assertEquals(relay(4, Set.of()).hashCode(), relay(4, Set.of()).hashCode());
        assertFalse(relay(4, Set.of()).equals(relay(5, Set.of())));
        SignedRelayDescriptor one = new SignedRelayDescriptor(relay(4, Set.of()), new byte[] {1, 2});
        assertEquals(one, new SignedRelayDescriptor(relay(4, Set.of()), new byte[] {1, 2}));
    }
}
