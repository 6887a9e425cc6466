package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;

/**
 * The hash ring of rend-spec-v3 §2.2.3. Index vectors: C tor's test_hs_common.c {@code test_hs_indexes}
 * (period 42, SRV 0x43.., keys 0x42..). Selections: computed independently with CPython's hashlib
 * (sort by node-idx, walk clockwise from each store-at-idx, skip relays an earlier replica chose).
 */
class HsDirRingTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final TimePeriod PERIOD_42 = TimePeriod.containing(Instant.parse("1970-02-13T01:00:00Z"));
    private static final byte[] SRV = filled(0x43);

    @Test
    void indexesMatchCTor() {
        assertEquals(42, PERIOD_42.number());
        assertArrayEquals(HEX.parseHex("37e5cbbd56a22823714f18f1623ece5983a0d64c78495a8cfab854245e5f9a8a"),
                HsDirRing.serviceIndex(filled(0x42), 1, PERIOD_42));
        assertArrayEquals(HEX.parseHex("db475361014a09965e7e5e4d4a25b8f8d4b8f16cb1d8a7e95eed50249cc1a2d5"),
                HsDirRing.relayIndex(filled(0x42), SRV, PERIOD_42));
    }

    @Test
    void storeAndFetchSetsMatchAnIndependentComputation() {
        List<byte[]> relays = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            relays.add(filled(i));
        }
        HsDirRing<byte[]> ring = HsDirRing.build(relays, Function.identity(), PERIOD_42, SRV);
        assertEquals(List.of(5, 8, 6, 3, 1, 9, 2, 7), firstBytes(ring.storeSet(filled(0x42))));
        assertEquals(List.of(5, 8, 6, 3, 1, 9), firstBytes(ring.fetchSet(filled(0x42))));
    }

    @Test
    void smallRingsGiveEveryRelayOnceAndEmptyRingsNone() {
        List<byte[]> three = List.of(filled(1), filled(2), filled(3));
        HsDirRing<byte[]> ring = HsDirRing.build(three, Function.identity(), PERIOD_42, SRV);
        List<byte[]> store = ring.storeSet(filled(0x42));
        assertEquals(3, store.size());
        assertTrue(store.containsAll(three));
        assertTrue(HsDirRing.build(List.<byte[]>of(), Function.identity(), PERIOD_42, SRV).storeSet(filled(1)).isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> HsDirRing.build(List.of(filled(1), filled(1)), Function.identity(), PERIOD_42, SRV));
    }

    @Test
    void disasterValueFollowsSection231AndARealSrvWins() {
        assertArrayEquals(HEX.parseHex("8ceceee08eb4f1d74cab263116e8aebc2845a6a386104aa9144237584c856531"),
                SharedRandomSource.none().forPeriod(PERIOD_42));
        SharedRandomSource directory = period -> Optional.of(SRV);
        assertArrayEquals(SRV, directory.forPeriod(PERIOD_42));
        assertNotEquals(HEX.formatHex(SharedRandomSource.none().forPeriod(PERIOD_42)),
                HEX.formatHex(SharedRandomSource.none().forPeriod(PERIOD_42.next())));
    }

    @Test
    void relaysWithoutTheHsDirFlagAreNotOnTheRing() {
        List<RelayDescriptor> relays = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            Set<RelayFlag> flags = i % 2 == 0 ? Set.of(RelayFlag.HSDIR) : Set.of();
            relays.add(new RelayDescriptor(filled(i), filled(100 + i), List.of(new InetSocketAddress("127.0.0.1", 9000 + i)),
                    1000, 0, Set.of(), "test", flags, Instant.EPOCH));
        }
        HsDirRing<RelayDescriptor> ring = HsDirRing.ofRelays(relays, PERIOD_42, period -> Optional.of(SRV));
        assertEquals(5, ring.size());
        List<byte[]> evenOnly = relays.stream().filter(r -> r.flags().contains(RelayFlag.HSDIR))
                .map(RelayDescriptor::identity).toList();
        List<Integer> expected = firstBytes(HsDirRing.build(evenOnly, Function.identity(), PERIOD_42, SRV)
                .storeSet(filled(0x42)));
        assertEquals(expected, ring.storeSet(filled(0x42)).stream().map(r -> (int) r.identity()[0]).toList());
        assertTrue(expected.stream().allMatch(first -> first % 2 == 0));
    }

    private static byte[] filled(int value) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) value);
        return key;
    }

    private static List<Integer> firstBytes(List<byte[]> relays) {
        return relays.stream().map(r -> (int) r[0]).toList();
    }
}
