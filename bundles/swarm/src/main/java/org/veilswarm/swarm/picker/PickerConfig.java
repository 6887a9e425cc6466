package org.veilswarm.swarm.picker;

/**
 * @param randomFirstPieces pick pieces in random order until this many are complete (a new peer gets
 *                          something to trade quickly; rarest pieces are often slow to finish)
 * @param strictSequential  pick in piece-index order (streaming), ignoring rarity
 */
public record PickerConfig(int randomFirstPieces, boolean strictSequential) {

    public PickerConfig {
        if (randomFirstPieces < 0) {
            throw new IllegalArgumentException("randomFirstPieces " + randomFirstPieces);
        }
    }

    public static PickerConfig defaults() {
        return new PickerConfig(4, false);
    }
}
