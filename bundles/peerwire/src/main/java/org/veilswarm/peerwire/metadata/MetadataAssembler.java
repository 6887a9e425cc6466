package org.veilswarm.peerwire.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.peerwire.MetadataData;

/**
 * Collects the {@code info} dictionary of one torrent in 16 KiB pieces from any number of peers (BEP 9)
 * and accepts it only when it hashes to the expected info-hash.
 *
 * <p>Pure logic: the caller tells it what peers announced and sent, passes the time (any monotonic
 * nanosecond clock) and sends the requests it hands out. {@code P} identifies a peer (a channel, an
 * address); it needs {@code equals}/{@code hashCode}. Thread-safe (one lock), since peers of one torrent
 * may live on different event loops.
 *
 * <p>Defences:
 * <ul>
 *   <li>a {@code metadata_size} of 0 or above {@link MetadataOptions#maxMetadataSize()} makes a peer
 *   unusable; buffers grow only with pieces actually received;</li>
 *   <li>pieces are taken only from peers that announced the size being assembled, only if we asked that
 *   peer for that piece, and a {@code total_size} that differs from the peer's announcement is
 *   misbehaviour;</li>
 *   <li>a reject or a timeout moves the piece to another peer and keeps it away from that peer for
 *   {@link MetadataOptions#refusalCooldown()};</li>
 *   <li>when the assembled bytes do not hash right and came from one peer, that peer is named and
 *   banned. When they came from several, nobody can be blamed yet, so from then on every attempt is
 *   served by a single peer: each further mismatch then names its liar, and an honest peer, if there is
 *   one, ends the search.</li>
 *   <li>peers may announce different sizes; an attempt assembles one. When some missing piece can be asked
 *   of no peer announcing that size (all refused it or timed out and are cooling down, or are gone), the
 *   attempt is dropped for the size most peers announce among those that can be served now, so a peer
 *   announcing a wrong size and refusing or staying silent cannot keep the honest ones idle.</li>
 * </ul>
 */
public final class MetadataAssembler<P> {

    private final ExpectedInfoHashes expected;
    private final MetadataOptions options;
    private final long timeoutNanos;
    private final long cooldownNanos;
    private final Map<P, PeerState> peers = new HashMap<>();
    private final Set<P> banned = new HashSet<>();
    private final Map<Integer, Pending<P>> pending = new HashMap<>();
    private final CompletableFuture<InfoDictionary> completion = new CompletableFuture<>();

    /** Per announced size, when a peer announcing it last gave us a requested piece (tie-break between sizes). */
    private final Map<Long, Long> lastUseful = new HashMap<>();

    /** The size being assembled, -1 between attempts. */
    private long size = -1;
    private byte[][] pieces;
    private List<P> sources;
    private int received;
    private boolean singleSource;
    private P source;
    private boolean done;
    private Optional<InfoDictionary> result = Optional.empty();

    private static final class PeerState {
        final long announced;
        final Map<Integer, Long> refusedUntil = new HashMap<>();
        boolean coolingDown;
        long unusableAsSourceUntil;
        int outstanding;

        PeerState(long announced) {
            this.announced = announced;
        }
    }

    private record Pending<P>(P peer, long sentAt) {
    }

    public MetadataAssembler(ExpectedInfoHashes expected, MetadataOptions options) {
        this.expected = expected;
        this.options = options;
        this.timeoutNanos = options.requestTimeout().toNanos();
        this.cooldownNanos = options.refusalCooldown().toNanos();
    }

    public ExpectedInfoHashes expected() {
        return expected;
    }

    /** Completes with the verified dictionary, or exceptionally with a {@link MetainfoException} if unusable. */
    public CompletionStage<InfoDictionary> completion() {
        return completion.copy();
    }

    public synchronized Optional<InfoDictionary> result() {
        return result;
    }

    public synchronized boolean isDone() {
        return done;
    }

    public synchronized Set<P> banned() {
        return Set.copyOf(banned);
    }

    /** Requests handed out and not yet answered, rejected or expired. */
    public synchronized int pendingRequests() {
        return pending.size();
    }

    /**
     * A peer announced {@code metadata_size} in its extension handshake (BEP 9). A second announcement
     * from the same peer replaces the first.
     */
    public synchronized MetadataOutcome<P> addPeer(P peer, long metadataSize) {
        if (done) {
            return MetadataOutcome.of(MetadataOutcome.Kind.IGNORED, "metadata already complete");
        }
        if (banned.contains(peer)) {
            return MetadataOutcome.of(MetadataOutcome.Kind.PEER_UNUSABLE, "peer was banned for bad metadata");
        }
        if (metadataSize < 1 || metadataSize > options.maxMetadataSize()) {
            return MetadataOutcome.of(MetadataOutcome.Kind.PEER_UNUSABLE, "metadata_size " + metadataSize
                    + " is outside 1.." + options.maxMetadataSize());
        }
        if (peers.containsKey(peer)) {
            removePeer(peer);
        }
        peers.put(peer, new PeerState(metadataSize));
        return MetadataOutcome.of(MetadataOutcome.Kind.ACCEPTED, "peer added");
    }

    /** The peer disconnected: what it was asked for goes to others. */
    public synchronized void removePeer(P peer) {
        if (peers.remove(peer) == null) {
            return;
        }
        pending.values().removeIf(p -> p.peer().equals(peer));
        if (singleSource && peer.equals(source)) {
            resetAttempt();
        } else if (size >= 0 && peers.values().stream().noneMatch(s -> s.announced == size)) {
            resetAttempt(); // nobody left who could finish this size
        }
    }

    /**
     * The pieces to request from {@code peer} now (possibly none), marked as requested at {@code now}.
     * Call after the peer was added, after each answer, and periodically (timeouts, cooldowns).
     */
    public synchronized List<Integer> requestsFor(P peer, long now) {
        PeerState state = peers.get(peer);
        if (done || state == null) {
            return List.of();
        }
        if (singleSource) {
            if (source == null && (!state.coolingDown || now - state.unusableAsSourceUntil >= 0)) {
                source = peer;
                startAttempt(state.announced);
            }
            if (!peer.equals(source)) {
                return List.of();
            }
        } else if (size < 0 || stuck(now)) {
            chooseSize(peer, now);
        }
        if (state.announced != size) {
            return List.of();
        }
        List<Integer> requests = new ArrayList<>();
        for (int piece = 0; piece < pieces.length && state.outstanding < options.maxRequestsPerPeer(); piece++) {
            Long refusedUntil = state.refusedUntil.get(piece);
            if (pieces[piece] == null && !pending.containsKey(piece) && (refusedUntil == null || now - refusedUntil >= 0)) {
                pending.put(piece, new Pending<>(peer, now));
                state.outstanding++;
                requests.add(piece);
            }
        }
        return requests;
    }

    /** A data message ({@code msg_type} 1) from {@code peer}; the caller still owns (and releases) it. */
    public synchronized MetadataOutcome<P> received(P peer, MetadataData data, long now) {
        if (done) {
            return MetadataOutcome.of(MetadataOutcome.Kind.IGNORED, "metadata already complete");
        }
        PeerState state = peers.get(peer);
        if (state == null) {
            return MetadataOutcome.of(MetadataOutcome.Kind.IGNORED, "data from a peer that is not taking part");
        }
        if (data.totalSize() != state.announced) {
            ban(peer);
            return MetadataOutcome.blame(MetadataOutcome.Kind.MISBEHAVED, Set.of(peer), "total_size "
                    + data.totalSize() + " differs from the metadata_size " + state.announced + " it announced");
        }
        Pending<P> request = pending.get(data.piece());
        if (request == null || !request.peer().equals(peer)) {
            return MetadataOutcome.of(MetadataOutcome.Kind.IGNORED, "metadata piece " + data.piece() + " was not requested from this peer");
        }
        pending.remove(data.piece());
        state.outstanding--;
        byte[] bytes = new byte[data.content().readableBytes()];
        data.content().getBytes(data.content().readerIndex(), bytes);
        pieces[data.piece()] = bytes;
        sources.set(data.piece(), peer);
        lastUseful.put(state.announced, now);
        received++;
        return received == pieces.length ? verify() : MetadataOutcome.of(MetadataOutcome.Kind.ACCEPTED, "piece taken");
    }

    /** A reject ({@code msg_type} 2): the piece goes to another peer. */
    public synchronized void rejected(P peer, int piece, long now) {
        Pending<P> request = pending.get(piece);
        if (request != null && request.peer().equals(peer)) {
            pending.remove(piece);
            refused(peer, piece, now);
        }
    }

    /** Requests older than the timeout go back to the pool; returns the peers that let one time out. */
    public synchronized Set<P> expire(long now) {
        List<Map.Entry<Integer, Pending<P>>> late = pending.entrySet().stream()
                .filter(e -> now - e.getValue().sentAt() >= timeoutNanos).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
        Set<P> slow = new LinkedHashSet<>();
        for (Map.Entry<Integer, Pending<P>> e : late) {
            // An earlier expiry may have restarted the attempt and dropped this request already.
            if (pending.remove(e.getKey(), e.getValue())) {
                slow.add(e.getValue().peer());
                refused(e.getValue().peer(), e.getKey(), now);
            }
        }
        return slow;
    }

    private void refused(P peer, int piece, long now) {
        PeerState state = peers.get(peer);
        state.outstanding--;
        state.refusedUntil.put(piece, now + cooldownNanos);
        if (singleSource && peer.equals(source)) {
            // Taking the rest from someone else would mix sources again; start over with the next peer.
            state.coolingDown = true;
            state.unusableAsSourceUntil = now + cooldownNanos;
            resetAttempt();
        }
    }

    /**
     * Some missing piece is neither in flight nor askable now: every peer announcing the size being
     * assembled refused it or let it time out and is cooling down. Without a change of size the honest
     * peers announcing another size would wait for ever behind one that refuses or stays silent.
     */
    private boolean stuck(long now) {
        for (int piece = 0; piece < pieces.length; piece++) {
            if (pieces[piece] == null && !pending.containsKey(piece) && !askable(size, piece, now)) {
                return true;
            }
        }
        return false;
    }

    private boolean askable(long metadataSize, int piece, long now) {
        for (PeerState s : peers.values()) {
            Long until = s.refusedUntil.get(piece);
            if (s.announced == metadataSize && (until == null || now - until >= 0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts an attempt with the size most peers announce among the sizes whose every piece some peer could
     * be asked for now (ties: the size whose peers gave a piece most recently, then the asking peer's).
     * The first peers do not get to fix the size for good: this runs again whenever an attempt is stuck.
     * When no other size qualifies, a stuck attempt keeps its pieces and waits for the cooldowns.
     */
    private void chooseSize(P asking, long now) {
        Map<Long, Integer> votes = new HashMap<>();
        for (PeerState s : peers.values()) {
            votes.merge(s.announced, 1, Integer::sum);
        }
        long askingSize = peers.get(asking).announced;
        long best = -1;
        for (Map.Entry<Long, Integer> candidate : votes.entrySet()) {
            long c = candidate.getKey();
            if (c == size || !coverable(c, now)) {
                continue;
            }
            if (best < 0 || better(c, candidate.getValue(), best, votes.get(best), askingSize)) {
                best = c;
            }
        }
        if (best < 0) {
            return;
        }
        resetAttempt();
        startAttempt(best);
    }

    private boolean better(long c, int cVotes, long best, int bestVotes, long askingSize) {
        if (cVotes != bestVotes) {
            return cVotes > bestVotes;
        }
        Long cUseful = lastUseful.get(c);
        Long bestUseful = lastUseful.get(best);
        if (!java.util.Objects.equals(cUseful, bestUseful)) {
            return bestUseful == null || (cUseful != null && cUseful - bestUseful > 0);
        }
        return c == askingSize;
    }

    private boolean coverable(long metadataSize, long now) {
        int count = MetadataServer.pieceCount(metadataSize);
        for (int piece = 0; piece < count; piece++) {
            if (!askable(metadataSize, piece, now)) {
                return false;
            }
        }
        return true;
    }

    private void startAttempt(long metadataSize) {
        size = metadataSize;
        int count = MetadataServer.pieceCount(metadataSize);
        pieces = new byte[count][];
        sources = new ArrayList<>(java.util.Collections.nCopies(count, null));
        received = 0;
    }

    private void resetAttempt() {
        for (Pending<P> p : pending.values()) {
            PeerState state = peers.get(p.peer());
            if (state != null) {
                state.outstanding--;
            }
        }
        pending.clear();
        size = -1;
        pieces = null;
        sources = null;
        received = 0;
        source = null;
    }

    private void ban(P peer) {
        removePeer(peer);
        banned.add(peer);
    }

    private MetadataOutcome<P> verify() {
        int length = 0;
        for (byte[] piece : pieces) {
            length += piece.length;
        }
        byte[] info = new byte[length];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, info, at, piece.length);
            at += piece.length;
        }
        if (!expected.matches(info)) {
            Set<P> contributors = new LinkedHashSet<>(sources);
            resetAttempt();
            singleSource = true;
            String reason = length + " bytes of metadata from " + contributors.size() + " peer(s) do not hash to " + expected;
            if (contributors.size() == 1) {
                ban(contributors.iterator().next());
                return MetadataOutcome.blame(MetadataOutcome.Kind.HASH_MISMATCH, contributors, reason);
            }
            return MetadataOutcome.blame(MetadataOutcome.Kind.HASH_MISMATCH, Set.of(),
                    reason + "; asking one peer at a time from now on");
        }
        done = true;
        resetAttempt();
        try {
            // The hash proves these are the torrent's bytes: whatever key order they use is the torrent's.
            InfoDictionary dictionary = MetainfoParser.lenient().parseInfo(info);
            result = Optional.of(dictionary);
            completion.complete(dictionary);
            return MetadataOutcome.complete(dictionary);
        } catch (MetainfoException e) {
            completion.completeExceptionally(e);
            return MetadataOutcome.of(MetadataOutcome.Kind.FAILED, "the metadata is the torrent's but unusable: " + e.getMessage());
        }
    }
}
