package org.veilswarm.share.impl;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.veilswarm.api.transport.TransportAddress;

/**
 * When a download dials a known peer again: at once the first time; after a failed dial, after a pause growing
 * from {@link #FIRST} to {@link #MAX} with the failures in a row; after a dial that connected (the connection may
 * end again: a duplicate closed by the other side, a seeder restarting), not before {@link #FIRST}. At most one
 * dial per peer is in flight (one older than {@link #IN_FLIGHT_LIMIT} is taken as lost). After
 * {@link #GIVE_UP_AFTER} failures in a row (about three minutes of trying) a peer is dialled again only once a
 * tracker lists it again ({@link #listedAgain}): a swarm's dead peers stay listed until the tracker expires them, and
 * over onion services each dial costs circuits. libtorrent likewise drops a peer after its {@code max_failcount}.
 *
 * <p>Why: a downloader used to dial its peers again only on a tracker answer (minutes apart) or when it had no
 * peer left. Over onion services a first dial fails easily (a circuit through a relay that just restarted), and
 * one failure then cost that peer for the whole download: in a testnet run C fetched 64 MiB from A alone while B,
 * failed once, was never tried again. libtorrent retries failed peers the same way, with a reconnect time that
 * grows with the peer's failure count.
 */
final class RedialBackoff {
    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration MAX = Duration.ofSeconds(60);
    /** Longer than any dial takes over onion services (descriptor, introduction and rendezvous retries). */
    static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(3);
    /** Failures in a row after which only a new tracker answer listing the peer brings another dial. */
    static final int GIVE_UP_AFTER = 6;

    private final LongSupplier nanoTime;
    private final Map<TransportAddress, State> peers = new ConcurrentHashMap<>();

    private static final class State {
        int failures;
        boolean inFlight;
        long inFlightSince;
        boolean dialled;
        long notBefore;
    }

    RedialBackoff(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * True if {@code peer} may be dialled now; it then counts as in flight until {@link #failed} or
     * {@link #connected} is called for it.
     */
    boolean claim(TransportAddress peer) {
        long now = nanoTime.getAsLong();
        boolean[] claimed = {false};
        peers.compute(peer, (p, s) -> {
            State state = s != null ? s : new State();
            boolean busy = state.inFlight && now - state.inFlightSince < IN_FLIGHT_LIMIT.toNanos();
            if (!busy && state.failures < GIVE_UP_AFTER && (!state.dialled || now - state.notBefore >= 0)) {
                state.inFlight = true;
                state.inFlightSince = now;
                state.dialled = true;
                claimed[0] = true;
            }
            return state;
        });
        return claimed[0];
    }

    /** The dial failed: the next one waits {@code FIRST * 2^(failures-1)}, at most {@link #MAX}. */
    void failed(TransportAddress peer) {
        long now = nanoTime.getAsLong();
        peers.compute(peer, (p, s) -> {
            State state = s != null ? s : new State();
            state.inFlight = false;
            state.dialled = true;
            state.failures++;
            state.notBefore = now + Math.min(MAX.toNanos(), FIRST.toNanos() << Math.min(state.failures - 1, 20));
            return state;
        });
    }

    /** The dial connected (or the peer was connected already): failures are forgotten. */
    void connected(TransportAddress peer) {
        long now = nanoTime.getAsLong();
        peers.compute(peer, (p, s) -> {
            State state = s != null ? s : new State();
            state.inFlight = false;
            state.dialled = true;
            state.failures = 0;
            state.notBefore = now + FIRST.toNanos();
            return state;
        });
    }

    /**
     * A tracker listed {@code peer} again: one given up on (after {@link #GIVE_UP_AFTER} failures) gets one more
     * dial, so a dead peer listed every half hour costs one dial per answer.
     */
    void listedAgain(TransportAddress peer) {
        peers.computeIfPresent(peer, (p, state) -> {
            if (state.failures >= GIVE_UP_AFTER) {
                state.failures = GIVE_UP_AFTER - 1;
            }
            return state;
        });
    }

    /** Failed dials in a row of {@code peer} (0 if none, or it connected since). */
    int failures(TransportAddress peer) {
        State s = peers.get(peer);
        return s == null ? 0 : s.failures;
    }
}
