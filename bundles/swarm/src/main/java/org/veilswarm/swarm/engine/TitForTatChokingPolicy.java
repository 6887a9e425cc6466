package org.veilswarm.swarm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.veilswarm.api.accounting.AccountingScheme;
import org.veilswarm.swarm.choker.Choker;
import org.veilswarm.swarm.choker.ChokerConfig;
import org.veilswarm.swarm.choker.ChokerPeer;

/**
 * The engine's default {@link ChokingPolicy}: the {@code choker} package's {@link Choker} (tit-for-tat
 * regular slots, optimistic unchoke favouring new peers, {@link AccountingScheme} standing first when one is
 * bound). The choker keeps its own round timing, so the engine should ask it often: use a
 * {@link TorrentOptions#rechokeInterval()} of one second, as {@link TorrentOptions#defaults()} does.
 * One instance per torrent.
 */
public final class TitForTatChokingPolicy implements ChokingPolicy {

    private final Choker<Long> choker;

    public TitForTatChokingPolicy(ChokerConfig config) {
        this.choker = new Choker<>(config, new Random());
    }

    public static TitForTatChokingPolicy defaults() {
        return new TitForTatChokingPolicy(ChokerConfig.DEFAULT);
    }

    /** Binds an accounting scheme ({@code null} unbinds); peers are then ranked by its standing first. */
    public void accounting(AccountingScheme scheme) {
        choker.accounting(scheme);
    }

    @Override
    public Set<Long> unchoke(List<ChokeCandidate> peers, boolean seeding) {
        List<ChokerPeer<Long>> list = new ArrayList<>(peers.size());
        for (ChokeCandidate c : peers) {
            list.add(new ChokerPeer<>(c.connectionId(), c.interested(), c.downloadRate(), c.uploadRate(),
                    c.connectedAtNanos(), java.util.Optional.of(c.accountingRef())));
        }
        return choker.evaluate(list, seeding, System.nanoTime());
    }
}
