package org.veilswarm.swarm.picker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.IntUnaryOperator;

import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.InfoDictionary;

/**
 * Which blocks to request from which peer. Not thread-safe: an engine calls it from one event loop.
 *
 * <p>Availability follows BEP 3 {@code bitfield}/{@code have} and BEP 6 {@code have all}/{@code have
 * none}; a peer that leaves takes its pieces and its pending requests with it. A choked peer is asked
 * only for pieces in its BEP 6 allowed-fast set. End-game: once every block still missing is
 * requested from someone, a peer may also be asked for blocks pending elsewhere, and the first copy to
 * arrive cancels the others ({@link BlockArrival#cancels()}).
 *
 * @param <P> the engine's peer key (compared with {@code equals})
 */
public final class PiecePicker<P> {

    private final int pieceCount;
    private final IntUnaryOperator pieceSize;
    private final PickerConfig config;
    private final Random random;
    private final BitSet have = new BitSet();
    private final int[] availability;
    private int seeds;
    private final Priority[] priorities;
    private final Map<P, PeerState> peers = new HashMap<>();
    private final Map<Integer, PieceProgress<P>> inProgress = new HashMap<>();

    private static final class PeerState {
        BitSet has = new BitSet();
        boolean seed;
        boolean choking = true;
        final Set<Integer> allowedFast = new HashSet<>();
        final Set<BlockRequest> pending = new LinkedHashSet<>();

        boolean has(int piece) {
            return seed || has.get(piece);
        }
    }

    private static final class PieceProgress<P> {
        final int size;
        final BitSet received;
        final List<Set<P>> requesters;
        final List<P> senders;

        PieceProgress(int size) {
            this.size = size;
            int blocks = Blocks.blockCount(size);
            this.received = new BitSet(blocks);
            this.requesters = new ArrayList<>(blocks);
            this.senders = new ArrayList<>(blocks);
            for (int i = 0; i < blocks; i++) {
                requesters.add(new HashSet<>());
                senders.add(null);
            }
        }

        int blocks() {
            return requesters.size();
        }

        boolean hasUnrequested() {
            for (int b = 0; b < blocks(); b++) {
                if (!received.get(b) && requesters.get(b).isEmpty()) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param pieceSize the size of each piece in bytes (the last piece of a v2 file is short)
     * @param random    tie-breaks and random-first order; inject a seeded one in tests
     */
    public PiecePicker(int pieceCount, IntUnaryOperator pieceSize, PickerConfig config, Random random) {
        if (pieceCount <= 0) {
            throw new IllegalArgumentException("piece count " + pieceCount);
        }
        this.pieceCount = pieceCount;
        this.pieceSize = Objects.requireNonNull(pieceSize, "pieceSize");
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.availability = new int[pieceCount];
        this.priorities = new Priority[pieceCount];
        Arrays.fill(priorities, Priority.NORMAL);
    }

    /** A picker over the v2 piece space of {@code info} (BEP 52: every file starts a new piece). */
    public static <P> PiecePicker<P> forTorrent(InfoDictionary info, PickerConfig config, Random random) {
        return new PiecePicker<>(info.pieceCount(), piece -> {
            FileEntry file = info.fileAtPiece(piece);
            return file.pieceSize(piece - file.firstPiece(), info.pieceLength());
        }, config, random);
    }

    public int pieceCount() {
        return pieceCount;
    }

    // --- what we have ------------------------------------------------------------------------------

    /** Pieces already verified (e.g. from resume data). */
    public void haveAlready(BitSet verified) {
        checkBits(verified);
        verified.stream().forEach(this::pieceVerified);
    }

    /**
     * The piece is verified and stored: it is never picked again. Returns requests for it still pending
     * at peers (e.g. when the piece came from elsewhere): send them {@code cancel}.
     */
    public List<PeerRequest<P>> pieceVerified(int piece) {
        checkPiece(piece);
        have.set(piece);
        return dropProgress(piece);
    }

    /** The piece failed its hash check: every block of it is wanted again. */
    public FailedPiece<P> pieceFailed(int piece) {
        checkPiece(piece);
        PieceProgress<P> progress = inProgress.get(piece);
        Set<P> contributors = new HashSet<>();
        if (progress != null) {
            progress.senders.stream().filter(Objects::nonNull).forEach(contributors::add);
        }
        return new FailedPiece<>(contributors, dropProgress(piece));
    }

    public boolean have(int piece) {
        checkPiece(piece);
        return have.get(piece);
    }

    public BitSet haveSet() {
        return (BitSet) have.clone();
    }

    public int completedPieces() {
        return have.cardinality();
    }

    // --- priorities ----------------------------------------------------------------------------------

    public void setPriority(int piece, Priority priority) {
        checkPiece(piece);
        priorities[piece] = Objects.requireNonNull(priority, "priority");
    }

    /** Every piece of {@code file} (v2 pieces never span files, so this is exact). */
    public void setFilePriority(FileEntry file, Priority priority) {
        for (int p = file.firstPiece(); p < file.firstPiece() + file.pieceCount(); p++) {
            setPriority(p, priority);
        }
    }

    public Priority priority(int piece) {
        checkPiece(piece);
        return priorities[piece];
    }

    // --- peers and availability ------------------------------------------------------------------------

    /** BEP 3 {@code bitfield}: replaces whatever the peer announced before. */
    public void peerBitfield(P peer, BitSet pieces) {
        checkBits(pieces);
        PeerState state = forgetAvailability(peer);
        state.has = (BitSet) pieces.clone();
        state.has.stream().forEach(p -> availability[p]++);
    }

    /** BEP 3 {@code have}. */
    public void peerHave(P peer, int piece) {
        checkPiece(piece);
        PeerState state = peer(peer);
        if (!state.has(piece)) {
            state.has.set(piece);
            availability[piece]++;
        }
    }

    /** BEP 6 {@code have all}: counted once, not per piece. */
    public void peerHaveAll(P peer) {
        PeerState state = forgetAvailability(peer);
        state.seed = true;
        seeds++;
    }

    /** BEP 6 {@code have none}. */
    public void peerHaveNone(P peer) {
        forgetAvailability(peer);
    }

    /** The peer is gone: its pieces no longer count and its pending requests return to the pool. */
    public List<BlockRequest> peerLeft(P peer) {
        PeerState state = peers.get(peer);
        if (state == null) {
            return List.of();
        }
        forgetAvailability(peer);
        List<BlockRequest> released = releaseRequests(peer);
        peers.remove(peer);
        return released;
    }

    /** The peer chokes or unchokes us. Pending requests stay (BEP 6: the peer rejects what it drops). */
    public void peerChoking(P peer, boolean choking) {
        peer(peer).choking = choking;
    }

    /** BEP 6 {@code allowed fast}: the peer serves this piece even while choking us. */
    public void peerAllowedFast(P peer, int piece) {
        checkPiece(piece);
        peer(peer).allowedFast.add(piece);
    }

    /** Copies of every block pending at the peer come back to the pool (e.g. a choke without BEP 6). */
    public List<BlockRequest> releaseRequests(P peer) {
        PeerState state = peers.get(peer);
        if (state == null) {
            return List.of();
        }
        List<BlockRequest> released = new ArrayList<>(state.pending);
        for (BlockRequest r : released) {
            forgetRequester(peer, r);
        }
        state.pending.clear();
        return released;
    }

    /** BEP 6 {@code reject request}, or our own {@code cancel}: the block is no longer pending there. */
    public void requestDropped(P peer, BlockRequest request) {
        PeerState state = peers.get(peer);
        if (state != null && state.pending.remove(request)) {
            forgetRequester(peer, request);
        }
    }

    public int availability(int piece) {
        checkPiece(piece);
        return availability[piece] + seeds;
    }

    /** How many requests are pending at the peer; cheaper than {@code pending(peer).size()}. */
    public int pendingCount(P peer) {
        PeerState state = peers.get(peer);
        return state == null ? 0 : state.pending.size();
    }

    public Set<BlockRequest> pending(P peer) {
        PeerState state = peers.get(peer);
        return state == null ? Set.of() : Set.copyOf(state.pending);
    }

    // --- picking --------------------------------------------------------------------------------------

    /**
     * True exactly when at least one wanted piece is missing and every block still missing is already
     * requested from some peer.
     */
    public boolean inEndGame() {
        boolean missing = false;
        for (int p = have.nextClearBit(0); p < pieceCount; p = have.nextClearBit(p + 1)) {
            if (priorities[p] == Priority.SKIP) {
                continue;
            }
            PieceProgress<P> progress = inProgress.get(p);
            if (progress == null || progress.hasUnrequested()) {
                return false;
            }
            missing |= progress.received.cardinality() < progress.blocks();
        }
        return missing;
    }

    /**
     * New requests for {@code peer} so that at most {@code maxPending} are outstanding there. The
     * returned requests are recorded as pending; send them.
     */
    public List<BlockRequest> nextRequests(P peer, int maxPending) {
        PeerState state = peer(peer);
        int room = maxPending - state.pending.size();
        if (room <= 0) {
            return List.of();
        }
        int[] candidates = candidates(state);
        int[] ordered = PieceOrder.order(candidates, PieceOrder.strategy(config, have.cardinality()),
                this::availability, inProgress::containsKey, p -> priorities[p], random);
        List<BlockRequest> picked = new ArrayList<>();
        for (int piece : ordered) {
            if (picked.size() >= room) {
                break;
            }
            PieceProgress<P> progress = progress(piece);
            for (int b = 0; b < progress.blocks() && picked.size() < room; b++) {
                if (!progress.received.get(b) && progress.requesters.get(b).isEmpty()) {
                    picked.add(request(peer, state, piece, progress, b));
                }
            }
        }
        if (picked.isEmpty() && inEndGame()) {
            endGameRequests(peer, state, ordered, room, picked);
        }
        return picked;
    }

    private void endGameRequests(P peer, PeerState state, int[] ordered, int room, List<BlockRequest> picked) {
        for (int piece : ordered) {
            PieceProgress<P> progress = inProgress.get(piece);
            if (progress == null) {
                continue;
            }
            for (int b = 0; b < progress.blocks() && picked.size() < room; b++) {
                Set<P> requesters = progress.requesters.get(b);
                if (!progress.received.get(b) && !requesters.contains(peer)) {
                    picked.add(request(peer, state, piece, progress, b));
                }
            }
        }
    }

    private BlockRequest request(P peer, PeerState state, int piece, PieceProgress<P> progress, int block) {
        BlockRequest r = Blocks.block(piece, progress.size, block);
        progress.requesters.get(block).add(peer);
        state.pending.add(r);
        return r;
    }

    private int[] candidates(PeerState state) {
        int[] out = new int[pieceCount];
        int n = 0;
        for (int p = have.nextClearBit(0); p < pieceCount; p = have.nextClearBit(p + 1)) {
            if (priorities[p] != Priority.SKIP && state.has(p) && (!state.choking || state.allowedFast.contains(p))) {
                PieceProgress<P> progress = inProgress.get(p);
                if (progress == null || progress.received.cardinality() < progress.blocks()) {
                    out[n++] = p;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** A block arrived from {@code peer}. */
    public BlockArrival<P> blockReceived(P peer, BlockRequest block) {
        checkPiece(block.piece());
        PeerState state = peers.get(peer);
        if (state != null) {
            state.pending.remove(block);
        }
        if (have.get(block.piece())) {
            return new BlockArrival<>(false, false, List.of());
        }
        PieceProgress<P> progress = progress(block.piece());
        int b = block.blockIndex();
        if (block.offset() % Blocks.BLOCK_SIZE != 0 || b >= progress.blocks()
                || !Blocks.block(block.piece(), progress.size, b).equals(block) || progress.received.get(b)) {
            progress.requesters.get(Math.min(b, progress.blocks() - 1)).remove(peer);
            return new BlockArrival<>(false, false, List.of());
        }
        progress.received.set(b);
        progress.senders.set(b, peer);
        List<PeerRequest<P>> cancels = new ArrayList<>();
        for (P other : progress.requesters.get(b)) {
            if (!other.equals(peer)) {
                PeerState otherState = peers.get(other);
                if (otherState != null && otherState.pending.remove(block)) {
                    cancels.add(new PeerRequest<>(other, block));
                }
            }
        }
        progress.requesters.get(b).clear();
        return new BlockArrival<>(true, progress.received.cardinality() == progress.blocks(), cancels);
    }

    // --- internals ----------------------------------------------------------------------------------------

    private PeerState peer(P peer) {
        return peers.computeIfAbsent(Objects.requireNonNull(peer, "peer"), k -> new PeerState());
    }

    private PeerState forgetAvailability(P peer) {
        PeerState state = peer(peer);
        if (state.seed) {
            seeds--;
            state.seed = false;
        }
        state.has.stream().forEach(p -> availability[p]--);
        state.has = new BitSet();
        return state;
    }

    private PieceProgress<P> progress(int piece) {
        return inProgress.computeIfAbsent(piece, p -> new PieceProgress<>(pieceSize.applyAsInt(p)));
    }

    private void forgetRequester(P peer, BlockRequest r) {
        PieceProgress<P> progress = inProgress.get(r.piece());
        if (progress != null && r.blockIndex() < progress.blocks()) {
            progress.requesters.get(r.blockIndex()).remove(peer);
        }
    }

    private List<PeerRequest<P>> dropProgress(int piece) {
        PieceProgress<P> progress = inProgress.remove(piece);
        if (progress == null) {
            return List.of();
        }
        List<PeerRequest<P>> cancels = new ArrayList<>();
        for (int b = 0; b < progress.blocks(); b++) {
            BlockRequest r = Blocks.block(piece, progress.size, b);
            for (P peer : progress.requesters.get(b)) {
                PeerState state = peers.get(peer);
                if (state != null && state.pending.remove(r)) {
                    cancels.add(new PeerRequest<>(peer, r));
                }
            }
        }
        return cancels;
    }

    private void checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
    }

    private void checkBits(BitSet bits) {
        if (bits.length() > pieceCount) {
            throw new IllegalArgumentException("bitfield names piece " + (bits.length() - 1) + " of " + pieceCount);
        }
    }
}
