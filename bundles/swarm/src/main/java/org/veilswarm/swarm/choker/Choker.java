package org.veilswarm.swarm.choker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.veilswarm.api.accounting.AccountingScheme;
import org.veilswarm.api.accounting.PeerRef;
import org.veilswarm.api.accounting.Standing;

/**
 * Decides which peers of one torrent we upload to (BEP 3 "choking"): call {@link #evaluate} with every
 * connected peer whenever something changed or a timer fired (every second is fine) and send
 * {@code choke}/{@code unchoke} for the differences from the last answer.
 *
 * <ul>
 *   <li><b>Regular slots</b> ({@link ChokerConfig#regularSlots()}): re-evaluated every
 *   {@link ChokerConfig#regularInterval()} — between evaluations a slot changes hands only when its
 *   peer disconnects or loses interest, since rechoking too often is what BEP 3 warns against ("fibrillation").
 *   Leeching, the interested peers that upload to us fastest get them (tit-for-tat); seeding, the ones we
 *   upload to fastest (they spread the data fastest). While an {@link AccountingScheme} is bound, its
 *   {@link Standing#priority()} ranks first and the rate breaks ties, so credit buys priority while
 *   every peer keeps the base rate's chance (Tribler's lesson in DESIGN.md §4).</li>
 *   <li><b>Optimistic unchoke</b>: one more interested peer outside the regular slots, drawn at random
 *   every {@link ChokerConfig#optimisticInterval()}; peers connected for less than
 *   {@link ChokerConfig#newPeerAge()} are {@link ChokerConfig#newPeerWeight()} times as likely, so a
 *   newcomer with nothing to trade gets its first pieces.</li>
 * </ul>
 *
 * <p>Deterministic for a given random generator and clock; thread-safe (one lock). {@code P} needs
 * {@code equals}/{@code hashCode}.
 */
public final class Choker<P> {

    private final ChokerConfig config;
    private final RandomGenerator random;
    private final long regularIntervalNanos;
    private final long optimisticIntervalNanos;
    private final long newPeerAgeNanos;
    private volatile AccountingScheme accounting;

    private final Set<P> regular = new LinkedHashSet<>();
    private P optimistic;
    private boolean started;
    private boolean lastSeeding;
    private long nextRegularAt;
    private long nextOptimisticAt;

    public Choker(ChokerConfig config, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.regularIntervalNanos = config.regularInterval().toNanos();
        this.optimisticIntervalNanos = config.optimisticInterval().toNanos();
        this.newPeerAgeNanos = config.newPeerAge().toNanos();
    }

    /** Binds an accounting scheme (or unbinds with {@code null}); the next regular round uses it. */
    public void accounting(AccountingScheme scheme) {
        this.accounting = scheme;
    }

    /**
     * @param peers   every connected peer, interested or not
     * @param seeding whether we have the whole torrent
     * @param now     a monotonic clock in nanoseconds (e.g. {@link System#nanoTime()}; tests pass their own)
     * @return the peers to unchoke; every other peer is choked
     */
    public synchronized Set<P> evaluate(Collection<ChokerPeer<P>> peers, boolean seeding, long now) {
        Map<P, ChokerPeer<P>> interested = new HashMap<>();
        for (ChokerPeer<P> p : peers) {
            if (p.interested()) {
                interested.put(p.id(), p);
            }
        }
        regular.retainAll(interested.keySet());
        if (optimistic != null && !interested.containsKey(optimistic)) {
            optimistic = null;
        }
        List<ChokerPeer<P>> ranked = rank(interested.values(), seeding);
        if (!started || seeding != lastSeeding || now - nextRegularAt >= 0) {
            regular.clear();
            ranked.stream().limit(config.regularSlots()).forEach(p -> regular.add(p.id()));
            nextRegularAt = now + regularIntervalNanos;
        } else {
            // A slot freed between rounds goes to the best waiting peer at once rather than idling.
            for (ChokerPeer<P> p : ranked) {
                if (regular.size() >= config.regularSlots()) {
                    break;
                }
                if (!p.id().equals(optimistic)) {
                    regular.add(p.id());
                }
            }
        }
        if (optimistic != null && regular.contains(optimistic)) {
            optimistic = null; // it earned a regular slot: the optimistic one goes to someone else
        }
        if (optimistic == null || now - nextOptimisticAt >= 0) {
            optimistic = drawOptimistic(interested.values(), now);
            nextOptimisticAt = now + optimisticIntervalNanos;
        }
        started = true;
        lastSeeding = seeding;
        Set<P> unchoked = new LinkedHashSet<>(regular);
        if (optimistic != null) {
            unchoked.add(optimistic);
        }
        return Collections.unmodifiableSet(unchoked);
    }

    /** The current optimistic unchoke, if any (for status displays). */
    public synchronized java.util.Optional<P> optimisticUnchoke() {
        return java.util.Optional.ofNullable(optimistic);
    }

    private List<ChokerPeer<P>> rank(Collection<ChokerPeer<P>> candidates, boolean seeding) {
        List<ChokerPeer<P>> list = new ArrayList<>(candidates);
        // Shuffle first so that equal peers (all rates 0 at the start) are taken in random order, then
        // sort stably; HashMap order would otherwise favour the same peers every time.
        list.sort(Comparator.comparingInt(p -> p.id().hashCode()));
        shuffle(list);
        AccountingScheme scheme = accounting;
        Map<P, Double> priority = new HashMap<>();
        if (scheme != null) {
            for (ChokerPeer<P> p : list) {
                priority.put(p.id(), standing(scheme, p.accountingRef().orElse(null)).priority());
            }
        }
        Comparator<ChokerPeer<P>> byRate = Comparator.comparingLong(p -> seeding ? p.uploadRate() : p.downloadRate());
        Comparator<ChokerPeer<P>> order = byRate.reversed();
        if (scheme != null) {
            Comparator<ChokerPeer<P>> byStanding = Comparator.comparingDouble(p -> priority.get(p.id()));
            order = byStanding.reversed().thenComparing(order);
        }
        list.sort(order);
        return list;
    }

    private static Standing standing(AccountingScheme scheme, PeerRef ref) {
        if (ref == null) {
            return Standing.BASE;
        }
        try {
            Standing s = scheme.standing(ref);
            return s == null ? Standing.BASE : s;
        } catch (RuntimeException e) {
            // A plug-in's failure must not stop uploads: the peer keeps the base rate everyone has.
            return Standing.BASE;
        }
    }

    private P drawOptimistic(Collection<ChokerPeer<P>> interested, long now) {
        List<ChokerPeer<P>> pool = new ArrayList<>();
        for (ChokerPeer<P> p : interested) {
            if (!regular.contains(p.id())) {
                pool.add(p);
            }
        }
        if (pool.isEmpty()) {
            return null;
        }
        pool.sort(Comparator.comparingInt(p -> p.id().hashCode())); // independent of map order
        long total = 0;
        for (ChokerPeer<P> p : pool) {
            total += weight(p, now);
        }
        long pick = random.nextLong(total);
        for (ChokerPeer<P> p : pool) {
            pick -= weight(p, now);
            if (pick < 0) {
                return p.id();
            }
        }
        throw new AssertionError("weights add up");
    }

    private int weight(ChokerPeer<P> p, long now) {
        return now - p.connectedAt() < newPeerAgeNanos ? config.newPeerWeight() : 1;
    }

    private void shuffle(List<ChokerPeer<P>> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
