package org.veilswarm.transport.onion.hs.rend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link IntroductionTally} that counts what a service reports, by event: {@code accepted},
 * {@code refused:<reason>}, {@code rendezvousFailed}.
 */
final class CountingTally implements IntroductionTally {
    final Map<String, Integer> counts = new ConcurrentHashMap<>();

    @Override
    public void accepted() {
        counts.merge("accepted", 1, Integer::sum);
    }

    @Override
    public void refused(String reason) {
        counts.merge("refused:" + reason, 1, Integer::sum);
    }

    @Override
    public void rendezvousFailed() {
        counts.merge("rendezvousFailed", 1, Integer::sum);
    }

    int get(String event) {
        return counts.getOrDefault(event, 0);
    }
}
