package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;

class RateSortingChokingPolicyTest {

    private static ChokeCandidate peer(long id, boolean interested, long down, long up) {
        return new ChokeCandidate(id, new TransportAddress("127.0.0.1", 1000 + (int) id), "direct", interested, false,
                down, up, 0, new org.veilswarm.api.accounting.PeerRef("p" + id));
    }

    @Test
    void leechingTheFastestUploadersToUsKeepTheRegularSlotsAndOneOtherGetsTheOptimisticOne() {
        List<ChokeCandidate> peers = new ArrayList<>();
        for (long id = 1; id <= 10; id++) {
            peers.add(peer(id, true, id * 1000, 0));
        }
        Set<Long> chosen = new RateSortingChokingPolicy(4, new Random(1)).unchoke(peers, false);
        assertEquals(4, chosen.size());
        assertTrue(chosen.containsAll(Set.of(10L, 9L, 8L)), chosen.toString());
    }

    @Test
    void seedingTheFastestDownloadersFromUsKeepTheSlots() {
        List<ChokeCandidate> peers = List.of(peer(1, true, 0, 50), peer(2, true, 0, 10), peer(3, true, 0, 99));
        Set<Long> chosen = new RateSortingChokingPolicy(2, new Random(1)).unchoke(peers, true);
        assertTrue(chosen.contains(3L), chosen.toString());
        assertEquals(2, chosen.size());
    }

    @Test
    void uninterestedPeersGetNoSlot() {
        List<ChokeCandidate> peers = List.of(peer(1, false, 1000, 0), peer(2, true, 1, 0));
        assertEquals(Set.of(2L), new RateSortingChokingPolicy(8, new Random(1)).unchoke(peers, false));
    }

    @Test
    void atLeastOneSlot() {
        assertThrows(IllegalArgumentException.class, () -> new RateSortingChokingPolicy(0, new Random()));
    }
}
