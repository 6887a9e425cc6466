package org.veilswarm.swarm.picker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.veilswarm.swarm.picker.PieceOrder.Strategy;

class PieceOrderTest {

    private static final int[] AVAILABILITY = {5, 2, 7, 2, 1, 9, 1, 3};
    private static final int[] ALL = {0, 1, 2, 3, 4, 5, 6, 7};

    private static int[] order(Strategy s, long seed, boolean... started) {
        return PieceOrder.order(ALL, s, p -> AVAILABILITY[p], p -> started.length > p && started[p],
                p -> Priority.NORMAL, new Random(seed));
    }

    @Test
    void rarestFirstSortsByAvailability() {
        for (long seed = 0; seed < 200; seed++) {
            int[] o = order(Strategy.RAREST_FIRST, seed);
            for (int i = 1; i < o.length; i++) {
                assertTrue(AVAILABILITY[o[i - 1]] <= AVAILABILITY[o[i]], "seed " + seed);
            }
        }
    }

    @Test
    void tiesAmongTheRarestAreBrokenUniformly() {
        int[] firstCount = new int[8];
        int runs = 4000;
        for (long seed = 0; seed < runs; seed++) {
            firstCount[order(Strategy.RAREST_FIRST, seed)[0]]++;
        }
        // Pieces 4 and 6 are the rarest (availability 1): each should lead about half the time.
        assertEquals(runs, firstCount[4] + firstCount[6]);
        assertTrue(Math.abs(firstCount[4] - runs / 2) < runs / 10, "piece 4 first " + firstCount[4] + " of " + runs);
    }

    @Test
    void startedPiecesComeBeforeRarerNewOnes() {
        int[] o = order(Strategy.RAREST_FIRST, 1, false, false, false, false, false, true);
        assertEquals(5, o[0]);
    }

    @Test
    void sequentialIsIndexOrderWhateverStarted() {
        assertArrayEquals(ALL, order(Strategy.SEQUENTIAL, 3, false, false, true));
    }

    @Test
    void randomIgnoresAvailability() {
        int notRarestFirst = 0;
        for (long seed = 0; seed < 400; seed++) {
            int first = order(Strategy.RANDOM, seed)[0];
            if (AVAILABILITY[first] != 1) {
                notRarestFirst++;
            }
        }
        assertTrue(notRarestFirst > 200, "random order led with a non-rarest piece " + notRarestFirst + " of 400 times");
    }

    @Test
    void highPriorityBeatsRarity() {
        int[] o = PieceOrder.order(ALL, Strategy.RAREST_FIRST, p -> AVAILABILITY[p], p -> false,
                p -> p == 5 ? Priority.HIGH : Priority.NORMAL, new Random(9));
        assertEquals(5, o[0]);
    }

    @Test
    void strategyFollowsTheConfig() {
        assertEquals(Strategy.RANDOM, PieceOrder.strategy(new PickerConfig(4, false), 3));
        assertEquals(Strategy.RAREST_FIRST, PieceOrder.strategy(new PickerConfig(4, false), 4));
        assertEquals(Strategy.SEQUENTIAL, PieceOrder.strategy(new PickerConfig(4, true), 0));
    }
}
