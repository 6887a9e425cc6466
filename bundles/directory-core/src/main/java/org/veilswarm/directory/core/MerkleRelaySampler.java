package org.veilswarm.directory.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;

/**
 * The {@code merkle} scheme's client (docs/protocols/directory-merkle.md §6): fetch and verify the header,
 * then for each pick draw x uniformly from [0, bandwidth-sum), ask one directory for the relay holding x and
 * verify the answer. A directory whose header is forged, minority-signed or malformed, or whose answer fails
 * verification, is marked bad for a while ({@link BadDirectories}) and the same x is asked of another (a header
 * that is only expired or not yet valid just sends the client to another directory): re-drawing would let a directory veto picks it dislikes by lying. A pick the
 * path constraints forbid is re-drawn, at most {@code maxDraws} times.
 *
 * <p>Directories answer {@code find} only for the newest consensus, so the header is fetched again in the background
 * soon after the next one is out ({@link ValiditySchedule#followerDownloadAt}), and at once when a pick fails with a
 * header that is no longer the freshest (one voted while a young network's relays were still uploading may have no
 * guard); only a newer header replaces the one held.
 */
public final class MerkleRelaySampler implements RelaySampler {
    public static final int DEFAULT_MAX_DRAWS = 32;

    private final AuthoritySet authorities;
    private final DirectoryTiers<DirectoryQueries> directories;
    private final RandomGenerator random;
    private final Clock clock;
    private final MerkleAnswerVerifier verifier;
    private final int maxDraws;
    private final BadDirectories bad = new BadDirectories(BadDirectories.DEFAULT_MARK);
    private volatile Held current;
    private CompletableFuture<VerifiedHeader> headerInFlight;
    /** No background header fetch before this (guarded by this). */
    private Instant noRefreshBefore = Instant.MIN;
    private volatile Consumer<RelayDescriptor> verifiedRelays = relay -> { };
    private final SourceLog sources = new SourceLog("merkle");
    private final java.util.Map<RoleListKey, CompletableFuture<List<RelayDescriptor>>> roleLists = new java.util.HashMap<>();

    /**
     * @param random uniform source for the drawn numbers and the directory choice; {@link java.security.SecureRandom}
     *        in production (only tests pass a seeded generator)
     */
    public MerkleRelaySampler(AuthoritySet authorities, List<DirectoryQueries> directories, RandomGenerator random,
            Clock clock, RelayDescriptorParser descriptorParser, int maxDraws) {
        this(authorities, directories, random, clock, new MerkleAnswerVerifier(descriptorParser), maxDraws);
    }

    public MerkleRelaySampler(AuthoritySet authorities, List<DirectoryQueries> directories, RandomGenerator random,
            Clock clock, MerkleAnswerVerifier verifier, int maxDraws) {
        this(authorities, DirectoryTiers.fixed(directories, DirectoryQueries::name), random, clock, verifier, maxDraws);
    }

    /**
     * A sampler asking relay caches first and the bootstrap directories when no cache answers
     * ({@link DirectoryTiers}); every answer is verified whichever tier it came from.
     */
    public MerkleRelaySampler(AuthoritySet authorities, DirectoryTiers<DirectoryQueries> directories,
            RandomGenerator random, Clock clock, MerkleAnswerVerifier verifier, int maxDraws) {
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.directories = Objects.requireNonNull(directories, "directories");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        if (maxDraws < 1) {
            throw new IllegalArgumentException("maxDraws must be at least 1");
        }
        this.maxDraws = maxDraws;
    }

    /** @param refreshAt when to fetch the next header in the background */
    private record Held(VerifiedHeader header, Instant refreshAt) {
    }

    @Override
    public CompletionStage<RelayDescriptor> pick(RelayRole role, PathConstraints constraints) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(constraints, "constraints");
        return header().thenCompose(h -> draw(h, role, constraints, 1).exceptionallyCompose(error -> {
            if (!(unwrap(error) instanceof NoDirectoryLeftException)) {
                return CompletableFuture.failedFuture(error);
            }
            // No directory answered for this consensus: a new period began and they serve the next one (caches
            // and authorities keep only the newest). Fetch the header again and draw with it if it is newer.
            return sharedFetch().thenCompose(next -> java.util.Arrays.equals(next.consensusId(),
                    h.consensusId()) ? CompletableFuture.<RelayDescriptor>failedFuture(error)
                            : draw(next, role, constraints, 1));
        }).whenComplete((relay, failure) -> {
            if (failure != null && unwrap(failure) instanceof HeaderCannotServeException) {
                refreshEarly(h);
            }
        }));
    }

    /**
     * A header that cannot serve a pick (no relay of the role, none the constraints allow) would be kept until its
     * scheduled fetch although the next one may list what it lacks; so once it is no longer the freshest, such a pick
     * starts that fetch at once. (Failures of the directories, lies or silence, do not: they are not the header's.)
     */
    private void refreshEarly(VerifiedHeader used) {
        Held held = current;
        Instant now = clock.instant();
        if (held != null && held.header() == used && !now.isBefore(schedule(used).freshUntil())) {
            refreshInBackground(held, now);
        }
    }

    /**
     * Fetches the next header unless a fetch is under way or the last background one started less than a quarter of a
     * voting interval ago (directories with nothing newer yet are not asked in a loop).
     */
    private synchronized void refreshInBackground(Held held, Instant now) {
        if (current != held || headerInFlight != null || now.isBefore(noRefreshBefore)) {
            return;
        }
        noRefreshBefore = now.plus(schedule(held.header()).retryAfter());
        sharedFetch();
    }

    /** When the header held will be fetched again in the background (empty before the first fetch), for tests. */
    java.util.Optional<Instant> nextHeaderFetch() {
        Held held = current;
        return held == null ? java.util.Optional.empty() : java.util.Optional.of(held.refreshAt());
    }

    private static ValiditySchedule schedule(VerifiedHeader header) {
        return new ValiditySchedule(header.header().validAfter(), header.header().validUntil());
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
    }

    /** The header lists no relay for the role, or none the path constraints allowed in {@code maxDraws} draws. */
    private static final class HeaderCannotServeException extends DirectoryException {
        private static final long serialVersionUID = 1L;

        HeaderCannotServeException(String message) {
            super(message);
        }
    }

    /** Every directory was tried for one x, none answered, and none lied. */
    private static final class NoDirectoryLeftException extends DirectoryException {
        private static final long serialVersionUID = 1L;

        NoDirectoryLeftException(String message) {
            super(message);
        }
    }

    /**
     * Receives every relay a directory proved with a verified answer (the scheme learns relay caches from them).
     * Called on whatever thread completed the answer: must not block.
     */
    public void onVerifiedRelay(Consumer<RelayDescriptor> listener) {
        this.verifiedRelays = Objects.requireNonNull(listener, "listener");
    }

    /** Which directories served the header and the answers, and how often each tier was used. */
    public SourceLog sources() {
        return sources;
    }

    /** Names of directories caught lying (or serving unverifiable data). */
    public Set<String> badDirectories() {
        return bad.names(clock.instant());
    }

    /**
     * The verified header in use, fetching a new one when there is none or it is no longer valid, and the next one in
     * the background once it is due.
     */
    public CompletionStage<VerifiedHeader> header() {
        Held held = current;
        Instant now = clock.instant();
        if (held != null && held.header().isValidAt(now)) {
            if (!now.isBefore(held.refreshAt())) {
                refreshInBackground(held, now);
                held = current; // the next one, if the fetch already completed; else still the one held
            }
            return CompletableFuture.completedFuture(held.header());
        }
        return sharedFetch();
    }

    /** One header fetch at a time: concurrent picks (and status checks) share it. */
    private synchronized CompletableFuture<VerifiedHeader> sharedFetch() {
        CompletableFuture<VerifiedHeader> fetch = headerInFlight;
        if (fetch == null) {
            fetch = fetchHeader(new ArrayList<>()).toCompletableFuture();
            headerInFlight = fetch;
            CompletableFuture<VerifiedHeader> started = fetch;
            // May run at once (nothing to ask): it then clears the field before this method returns.
            fetch.whenComplete((r, e) -> {
                synchronized (this) {
                    if (headerInFlight == started) {
                        headerInFlight = null;
                    }
                }
            });
        }
        return fetch;
    }

    private CompletionStage<VerifiedHeader> fetchHeader(List<DirectoryQueries> tried) {
        DirectoryQueries directory = chooseDirectory(tried);
        if (directory == null) {
            return failed("no directory left to fetch a valid header from (" + bad.names(clock.instant()).size() + " marked bad)");
        }
        tried.add(directory);
        boolean cache = directories.isCache(directory);
        return directory.header().handle((bytes, error) -> {
            if (error != null) {
                sources.unreachable("header", directory.name(), cache, error);
                directories.failed(directory, error, clock.instant());
                return fetchHeader(tried);
            }
            HeaderVerification v = authorities.verify(bytes, clock.instant());
            if (!v.accepted()) {
                if (BadDirectories.blames(v.outcome())) {
                    bad.mark(directory.name(), clock.instant());
                    sources.markedBad("header", directory.name(), cache, v.outcome().toString());
                } else {
                    sources.skipped("header", directory.name(), cache, v.outcome().toString());
                }
                return fetchHeader(tried);
            }
            VerifiedHeader h = v.header().orElseThrow();
            Held held = current;
            if (held != null && h.header().validAfter().isBefore(held.header().header().validAfter())) {
                // A directory behind (an older header, still valid): never roll the client back; ask another.
                sources.skipped("header", directory.name(), cache, "older than the one held");
                return fetchHeader(tried);
            }
            sources.served("header", directory.name(), cache, bytes.length);
            if (held != null && java.util.Arrays.equals(h.consensusId(), held.header().consensusId())) {
                return CompletableFuture.completedFuture(held.header()); // nothing newer yet: keep its schedule
            }
            current = new Held(h, schedule(h).followerDownloadAt(random));
            return CompletableFuture.completedFuture(h);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<RelayDescriptor> draw(VerifiedHeader header, RelayRole role, PathConstraints constraints,
            int attempt) {
        long sum = header.index(role).bandwidthSum();
        if (sum == 0) {
            return CompletableFuture.failedFuture(new HeaderCannotServeException("the consensus has no relay for " + role));
        }
        // RandomGenerator.nextLong(bound) is unbiased: it rejects the draws that would make x mod bound uneven.
        long x = random.nextLong(sum);
        return query(header, role, x, new ArrayList<>()).thenCompose(relay -> {
            if (constraints.allows(relay)) {
                return CompletableFuture.completedFuture(relay);
            }
            if (attempt >= maxDraws) {
                return CompletableFuture.failedFuture(new HeaderCannotServeException("no relay for " + role
                        + " satisfied the path constraints in " + maxDraws + " draws"));
            }
            return draw(header, role, constraints, attempt + 1);
        });
    }

    /** A verified leaf: the relay and the end of its range (where the next leaf's range starts). */
    private record Leaf(RelayDescriptor relay, long rangeEnd) {
    }

    private CompletionStage<RelayDescriptor> query(VerifiedHeader header, RelayRole role, long x,
            List<DirectoryQueries> tried) {
        return leaf(header, role, x, tried).thenApply(Leaf::relay);
    }

    private CompletionStage<Leaf> leaf(VerifiedHeader header, RelayRole role, long x, List<DirectoryQueries> tried) {
        DirectoryQueries directory = chooseDirectory(tried);
        if (directory == null) {
            String message = "no directory left to answer find (" + bad.names(clock.instant()).size() + " marked bad, "
                    + tried.size() + " tried)";
            // None lied, none answered: maybe they all serve a newer consensus (pick() then fetches the header).
            boolean noneLied = tried.stream().noneMatch(d -> bad.isBad(d.name(), clock.instant()));
            return CompletableFuture.failedFuture(noneLied ? new NoDirectoryLeftException(message)
                    : new DirectoryException(message));
        }
        tried.add(directory);
        boolean cache = directories.isCache(directory);
        return directory.find(header.consensusId(), role, x).handle((bytes, error) -> {
            if (error != null) {
                // Unreachable is not lying: try another, but do not mark it bad.
                sources.unreachable("find", directory.name(), cache, error);
                directories.failed(directory, error, clock.instant());
                return leaf(header, role, x, tried);
            }
            try {
                MerkleAnswer answer = MerkleAnswer.decode(bytes);
                RelayDescriptor relay = verifier.verify(header, role, x, answer);
                sources.served("find", directory.name(), cache, bytes.length);
                verifiedRelays.accept(relay);
                return CompletableFuture.completedFuture(new Leaf(relay, answer.rangeEnd()));
            } catch (AnswerRejectedException e) {
                bad.mark(directory.name(), clock.instant());
                sources.markedBad("find", directory.name(), cache, e.getMessage());
                return leaf(header, role, x, tried);
            }
        }).thenCompose(stage -> stage);
    }

    /**
     * Every relay of {@code role}'s tree, verified, in tree order (ascending identity): walks the ranges, asking
     * {@code find} at 0 and then at the end of each verified range until the signed bandwidth sum (one query per
     * relay, each proven against the signed root, so no directory can hide or add one). For the HSDir hash ring
     * (rend-spec-v3 §2.2.3), which needs all HSDirs. Kept per consensus and role; fails when the role has more
     * than {@code max} relays.
     */
    public CompletionStage<List<RelayDescriptor>> relays(RelayRole role, int max) {
        Objects.requireNonNull(role, "role");
        return header().thenCompose(h -> {
            RoleListKey key = new RoleListKey(java.util.HexFormat.of().formatHex(h.consensusId()), role);
            synchronized (roleLists) {
                CompletableFuture<List<RelayDescriptor>> known = roleLists.get(key);
                if (known != null && !known.isCompletedExceptionally()) {
                    return known;
                }
                long count = h.index(role).relayCount();
                CompletableFuture<List<RelayDescriptor>> walk = count > max
                        ? CompletableFuture.failedFuture(new DirectoryException("the " + role + " tree holds " + count
                                + " relays, more than " + max + " this client lists"))
                        : walk(h, role, 0, new ArrayList<>()).toCompletableFuture();
                roleLists.keySet().removeIf(k -> !k.consensusId().equals(key.consensusId()));
                roleLists.put(key, walk);
                return walk;
            }
        });
    }

    private record RoleListKey(String consensusId, RelayRole role) {
    }

    /** A loop while answers are already there (no stack growth per relay), a continuation when one is not. */
    private CompletionStage<List<RelayDescriptor>> walk(VerifiedHeader header, RelayRole role, long from,
            List<RelayDescriptor> found) {
        long x = from;
        while (x < header.index(role).bandwidthSum()) {
            CompletableFuture<Leaf> next = leaf(header, role, x, new ArrayList<>()).toCompletableFuture();
            if (!next.isDone()) {
                return next.thenCompose(leaf -> {
                    found.add(leaf.relay());
                    return walk(header, role, leaf.rangeEnd(), found);
                });
            }
            if (next.isCompletedExceptionally()) {
                return next.thenApply(leaf -> List.of());
            }
            Leaf leaf = next.join();
            found.add(leaf.relay());
            x = leaf.rangeEnd();
        }
        return CompletableFuture.completedFuture(List.copyOf(found));
    }

    private DirectoryQueries chooseDirectory(List<DirectoryQueries> tried) {
        return directories.choose(tried, bad, clock.instant(), random);
    }

    private static <T> CompletionStage<T> failed(String message) {
        return CompletableFuture.failedFuture(new DirectoryException(message));
    }
}
