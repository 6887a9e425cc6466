package org.veilswarm.swarm.picker;

import java.util.Arrays;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * The order in which candidate pieces are tried: a pure function of its inputs (the random source is
 * injected), so it is tested without a swarm.
 *
 * <p>Keys, most significant first: priority (high before normal); pieces already started before new
 * ones (fewer pieces in flight, each finishes sooner) except in strict-sequential mode; then the
 * strategy's key — availability ascending with a random tie-break (rarest first), a random key alone
 * (random first), or the piece index (sequential).
 */
public final class PieceOrder {

    public enum Strategy { RAREST_FIRST, RANDOM, SEQUENTIAL }

    private PieceOrder() {
    }

    /** The strategy in force once {@code completedPieces} pieces are complete. */
    public static Strategy strategy(PickerConfig config, int completedPieces) {
        if (config.strictSequential()) {
            return Strategy.SEQUENTIAL;
        }
        return completedPieces < config.randomFirstPieces() ? Strategy.RANDOM : Strategy.RAREST_FIRST;
    }

    public static int[] order(int[] candidates, Strategy strategy, IntUnaryOperator availability,
                              IntPredicate started, IntFunction<Priority> priority, Random random) {
        int n = candidates.length;
        long[][] keyed = new long[n][];
        for (int i = 0; i < n; i++) {
            int piece = candidates[i];
            long prio = -priority.apply(piece).ordinal();
            long startedKey = strategy != Strategy.SEQUENTIAL && started.test(piece) ? 0 : 1;
            long strategyKey = switch (strategy) {
                case RAREST_FIRST -> availability.applyAsInt(piece);
                case RANDOM, SEQUENTIAL -> 0;
            };
            long tieBreak = strategy == Strategy.SEQUENTIAL ? piece : random.nextInt() & 0xffffffffL;
            keyed[i] = new long[] {prio, startedKey, strategyKey, tieBreak, piece};
        }
        Arrays.sort(keyed, (a, b) -> {
            for (int k = 0; k < 4; k++) {
                int c = Long.compare(a[k], b[k]);
                if (c != 0) {
                    return c;
                }
            }
            return Long.compare(a[4], b[4]);
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) keyed[i][4];
        }
        return out;
    }
}
