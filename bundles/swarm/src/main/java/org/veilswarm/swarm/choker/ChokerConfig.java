package org.veilswarm.swarm.choker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Choker} decides.
 *
 * @param regularSlots        peers unchoked for what they give (mainline BitTorrent: 4); the optimistic
 *                            unchoke comes on top
 * @param regularInterval     how often the regular slots are re-evaluated (BEP 3: "every ten seconds")
 * @param optimisticInterval  how long one peer keeps the optimistic unchoke (BEP 3: "every 30 seconds")
 * @param newPeerAge          a peer connected for less than this counts as new for the optimistic draw
 * @param newPeerWeight       how much likelier a new peer is to be drawn (mainline: 3)
 */
public record ChokerConfig(int regularSlots, Duration regularInterval, Duration optimisticInterval,
                           Duration newPeerAge, int newPeerWeight) {

    public static final ChokerConfig DEFAULT = new ChokerConfig(4, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), 3);

    public ChokerConfig {
        Objects.requireNonNull(regularInterval, "regularInterval");
        Objects.requireNonNull(optimisticInterval, "optimisticInterval");
        Objects.requireNonNull(newPeerAge, "newPeerAge");
        if (regularSlots < 0) {
            throw new IllegalArgumentException("regularSlots must not be negative: " + regularSlots);
        }
        if (regularInterval.isZero() || regularInterval.isNegative() || optimisticInterval.isZero()
                || optimisticInterval.isNegative() || newPeerAge.isNegative()) {
            throw new IllegalArgumentException("intervals must be positive and newPeerAge not negative");
        }
        if (newPeerWeight < 1) {
            throw new IllegalArgumentException("newPeerWeight must be at least 1: " + newPeerWeight);
        }
    }

    public ChokerConfig withRegularSlots(int slots) {
        return new ChokerConfig(slots, regularInterval, optimisticInterval, newPeerAge, newPeerWeight);
    }
}
