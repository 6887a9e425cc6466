package org.veilswarm.swarm.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A small stateless policy (the default is {@link TitForTatChokingPolicy}): the interested peers
 * that give us the most (leeching) or take the most (seeding) fill {@code slots - 1} slots, and one more
 * interested peer chosen at random gets the optimistic slot (BEP 3: "optimistic unchoking"), so newcomers
 * get something to trade.
 */
public final class RateSortingChokingPolicy implements ChokingPolicy {

    private final int slots;
    private final Random random;

    public RateSortingChokingPolicy(int slots, Random random) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1: " + slots);
        }
        this.slots = slots;
        this.random = random;
    }

    @Override
    public Set<Long> unchoke(List<ChokeCandidate> peers, boolean seeding) {
        List<ChokeCandidate> interested = new ArrayList<>(peers.stream().filter(ChokeCandidate::interested).toList());
        Comparator<ChokeCandidate> byRate = Comparator.comparingLong(
                c -> seeding ? c.uploadRate() : c.downloadRate());
        interested.sort(byRate.reversed());
        Set<Long> chosen = new HashSet<>();
        int regular = Math.min(interested.size(), slots - 1);
        for (int i = 0; i < regular; i++) {
            chosen.add(interested.get(i).connectionId());
        }
        List<ChokeCandidate> rest = interested.subList(regular, interested.size());
        if (!rest.isEmpty()) {
            chosen.add(rest.get(random.nextInt(rest.size())).connectionId());
        }
        return chosen;
    }
}
