package org.veilswarm.swarm.picker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AllowedFastSetTest {

    private static final byte[] IP = {80, 4, 4, (byte) 200};
    private static final byte[] INFO_HASH = filled(20, (byte) 0xaa);

    @Test
    void matchesTheBep6ExampleForSevenPieces() {
        assertEquals(List.of(1059, 431, 808, 1217, 287, 376, 1188),
                List.copyOf(AllowedFastSet.forIpv4(7, 1313, IP, INFO_HASH)));
    }

    @Test
    void matchesTheBep6ExampleForNinePieces() {
        assertEquals(List.of(1059, 431, 808, 1217, 287, 376, 1188, 353, 508),
                List.copyOf(AllowedFastSet.forIpv4(9, 1313, IP, INFO_HASH)));
    }

    @Test
    void peersOfOneSlash24ShareTheSet() {
        byte[] neighbour = {80, 4, 4, 1};
        assertEquals(AllowedFastSet.forIpv4(7, 1313, IP, INFO_HASH), AllowedFastSet.forIpv4(7, 1313, neighbour, INFO_HASH));
    }

    @Test
    void moreWantedThanPiecesStopsAtEveryPiece() {
        Set<Integer> all = AllowedFastSet.generate(10, 3, new byte[32], INFO_HASH);
        assertEquals(Set.of(0, 1, 2), all);
    }

    @Test
    void refusesAnAddressThatIsNotIpv4() {
        assertThrows(IllegalArgumentException.class, () -> AllowedFastSet.forIpv4(7, 10, new byte[16], INFO_HASH));
    }

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }
}
