package org.veilswarm.directory.authority;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusException;
import org.veilswarm.directory.core.DescriptorException;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.MerkleConsensus;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.SignedConsensus;
import org.veilswarm.directory.http.DirectoryCacheService;
import org.veilswarm.directory.http.PublishedDirectory;

/**
 * One directory authority (docs/protocols/directory-consensus.md §1–§4). Per period it: accepts descriptors
 * relays upload; checks each relay's reachability; votes (its flags and weights, signed); combines the
 * votes of all authorities ({@link VoteCombiner}); signs the resulting list and merkle header; collects the
 * other authorities' signatures; and publishes the directory once a strict majority signed both. Thread-safe
 * (one lock; every step is quick except the probes, which run outside it).
 */
public final class DirectoryAuthority {
    /** How many periods' votes and signatures are kept. */
    private static final int ROUNDS_KEPT = 3;

    private final Ed25519KeyPair key;
    private final RelayDescriptor.Key identity;
    private final AuthoritySet authorities;
    private final FlagRules rules;
    private final FlagPolicy policy;
    private final RelayDescriptorParser parser;
    private final ReachabilityProbe probe;
    private final AuthorityLimits limits;
    private final Clock clock;
    private final UploadRateLimiter perSource;
    private final UploadRateLimiter perIdentity;
    private final DirectoryCacheService cache = new DirectoryCacheService();
    private final Map<RelayDescriptor.Key, Known> known = new HashMap<>();
    private final TreeMap<Instant, Round> rounds = new TreeMap<>();

    /** What the authority remembers of one relay. */
    private static final class Known {
        SignedRelayDescriptor descriptor;
        final Instant firstSeen;
        Instant reachableSince;

        Known(SignedRelayDescriptor descriptor, Instant firstSeen) {
            this.descriptor = descriptor;
            this.firstSeen = firstSeen;
        }
    }

    /** One period's votes, consensus and signatures. */
    private static final class Round {
        final Instant validUntil;
        SignedConsensus ownVote;
        final Map<RelayDescriptor.Key, SignedConsensus> votes = new LinkedHashMap<>();
        /** Second, different votes of an authority: handed to the combiner with the first, which drops both. */
        final List<SignedConsensus> conflicting = new ArrayList<>();
        ConsensusDocument consensus;
        MerkleConsensus merkle;
        final Map<RelayDescriptor.Key, HeaderSignature> listSignatures = new TreeMap<>(
                (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes()));
        final Map<RelayDescriptor.Key, HeaderSignature> headerSignatures = new TreeMap<>(
                (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes()));

        Round(Instant validUntil) {
            this.validUntil = validUntil;
        }
    }

    /** What became of an upload. */
    public enum Upload {
        /** New relay or newer descriptor: it will be checked and voted on. */
        ACCEPTED,
        /** The same document again. */
        UNCHANGED,
        /** Older than the descriptor the authority holds, or older than the policy's maximum age. */
        STALE,
        /** A new identity while the authority already holds {@link AuthorityLimits#maxKnownRelays()}. */
        FULL,
        /**
         * More uploads from the source address, or for the relay identity, than {@link AuthorityLimits} allow
         * in the current window; nothing was kept.
         */
        RATE_LIMITED
    }

    public DirectoryAuthority(Ed25519KeyPair key, AuthoritySet authorities, FlagPolicy policy,
            RelayDescriptorParser parser, ReachabilityProbe probe, Clock clock) {
        this(key, authorities, policy, AuthorityLimits.DEFAULT, parser, probe, clock);
    }

    public DirectoryAuthority(Ed25519KeyPair key, AuthoritySet authorities, FlagPolicy policy, AuthorityLimits limits,
            RelayDescriptorParser parser, ReachabilityProbe probe, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.identity = new RelayDescriptor.Key(key.publicKey());
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        if (!authorities.authorities().contains(identity)) {
            throw new IllegalArgumentException("this authority's key is not in the configured authority set");
        }
        this.policy = Objects.requireNonNull(policy, "policy");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.rules = new FlagRules(policy, limits.maxRelaysPerAddress());
        this.parser = Objects.requireNonNull(parser, "parser");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.perSource = new UploadRateLimiter(limits.uploadsPerSource(), limits.uploadInterval(), clock);
        this.perIdentity = new UploadRateLimiter(limits.uploadsPerIdentity(), limits.uploadInterval(), clock);
    }

    /** The bounds this authority applies. */
    public AuthorityLimits limits() {
        return limits;
    }

    public RelayDescriptor.Key identity() {
        return identity;
    }

    public AuthoritySet authorities() {
        return authorities;
    }

    /** The directory this authority serves (the latest majority-signed one). */
    public DirectoryCacheService cache() {
        return cache;
    }

    /**
     * A relay uploads its descriptor: parsed strictly, relay signature checked, kept when newer.
     *
     * @throws DescriptorException with the reason when the document is refused
     */
    public Upload accept(byte[] document) throws DescriptorException {
        return accept(document, null);
    }

    /**
     * A relay uploads its descriptor from {@code source} (null when unknown, as for a local call): counted
     * against the source's allowance before parsing (so a flood costs no signature checks) and against the
     * identity's after; then parsed strictly, relay signature checked, kept when newer.
     *
     * @throws DescriptorException with the reason when the document is refused
     */
    public Upload accept(byte[] document, java.net.InetAddress source) throws DescriptorException {
        if (source != null && !perSource.tryAcquire(UploadRateLimiter.sourceKey(source))) {
            return Upload.RATE_LIMITED;
        }
        SignedRelayDescriptor d = parser.parse(document);
        if (!perIdentity.tryAcquire(d.descriptor().identityKey())) {
            return Upload.RATE_LIMITED;
        }
        return keep(d);
    }

    private synchronized Upload keep(SignedRelayDescriptor d) {
        Instant now = clock.instant();
        if (d.descriptor().published().isBefore(now.minus(policy.descriptorMaxAge()))) {
            return Upload.STALE;
        }
        Known k = known.get(d.descriptor().identityKey());
        if (k == null) {
            if (known.size() >= limits.maxKnownRelays()) {
                dropExpired(now);
                if (known.size() >= limits.maxKnownRelays()) {
                    return Upload.FULL;
                }
            }
            known.put(d.descriptor().identityKey(), new Known(d, now));
            return Upload.ACCEPTED;
        }
        if (k.descriptor.equals(d)) {
            return Upload.UNCHANGED;
        }
        if (!d.descriptor().published().isAfter(k.descriptor.descriptor().published())) {
            return Upload.STALE;
        }
        k.descriptor = d;
        return Upload.ACCEPTED;
    }

    /** Number of relays with a current descriptor. */
    public synchronized int knownRelays() {
        return known.size();
    }

    /**
     * Probes every known relay; a success starts (or continues) its reachable run, a failure ends it.
     * Completes when every probe finished.
     */
    public CompletionStage<Void> checkReachability() {
        List<Map.Entry<RelayDescriptor.Key, SignedRelayDescriptor>> targets = new ArrayList<>();
        synchronized (this) {
            known.forEach((id, k) -> targets.add(Map.entry(id, k.descriptor)));
        }
        // At most maxConcurrentProbes in flight: each worker takes the next target when its probe finishes.
        java.util.Queue<Map.Entry<RelayDescriptor.Key, SignedRelayDescriptor>> queue =
                new java.util.concurrent.ConcurrentLinkedQueue<>(targets);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < Math.min(limits.maxConcurrentProbes(), targets.size()); i++) {
            workers.add(probeNext(queue));
        }
        return CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> probeNext(
            java.util.Queue<Map.Entry<RelayDescriptor.Key, SignedRelayDescriptor>> queue) {
        Map.Entry<RelayDescriptor.Key, SignedRelayDescriptor> t = queue.poll();
        if (t == null) {
            return CompletableFuture.completedFuture(null);
        }
        Instant started = clock.instant();
        CompletableFuture<Void> p;
        try {
            p = probe.probe(t.getValue().descriptor()).toCompletableFuture();
        } catch (RuntimeException e) {
            p = CompletableFuture.failedFuture(e);
        }
        return p.handle((ok, error) -> {
            synchronized (this) {
                Known k = known.get(t.getKey());
                if (k != null) {
                    if (error != null) {
                        k.reachableSince = null;
                    } else if (k.reachableSince == null) {
                        k.reachableSince = started;
                    }
                }
            }
            return (Void) null;
        }).thenCompose(ignored -> probeNext(queue));
    }

    /** What this authority knows now, for its vote (and for tests of the rules). */
    public synchronized List<RelayObservation> observations() {
        dropExpired(clock.instant());
        List<RelayObservation> list = new ArrayList<>();
        for (Known k : known.values()) {
            list.add(new RelayObservation(k.descriptor, k.firstSeen, Optional.ofNullable(k.reachableSince)));
        }
        return list;
    }

    private void dropExpired(Instant now) {
        Instant oldest = now.minus(policy.descriptorMaxAge());
        known.values().removeIf(k -> k.descriptor.descriptor().published().isBefore(oldest));
    }

    /** Builds, signs and keeps this authority's vote for the period [validAfter, validUntil). */
    public synchronized SignedConsensus vote(Instant validAfter, Instant validUntil) {
        ConsensusDocument document = new ConsensusDocument(validAfter, validUntil,
                rules.assign(observations(), clock.instant()));
        SignedConsensus vote = document.withSignatures(List.of(document.signVote(key)));
        Round round = round(validAfter, validUntil);
        round.ownVote = vote;
        round.votes.put(identity, vote);
        return vote;
    }

    public synchronized Optional<SignedConsensus> ownVote(Instant validAfter) {
        Round r = rounds.get(validAfter);
        return r == null ? Optional.empty() : Optional.ofNullable(r.ownVote);
    }

    /**
     * Another authority's vote, as downloaded. Kept only for a period this authority votes in, signed by one
     * configured authority (checked again when combining).
     *
     * @throws DirectoryException when the bytes are not a vote of a configured authority
     */
    public synchronized void addVote(byte[] encoded) throws DirectoryException {
        SignedConsensus vote;
        try {
            // One signature check on the raw bytes before parsing (and verifying) every descriptor in them.
            authorities.voteSignerOf(encoded);
        } catch (ConsensusException e) {
            throw new DirectoryException("vote refused before parsing: " + e.getMessage(), e);
        }
        try {
            vote = SignedConsensus.decode(encoded, parser);
        } catch (ConsensusException e) {
            throw new DirectoryException("malformed vote: " + e.getMessage(), e);
        }
        if (vote.signatures().size() != 1) {
            throw new DirectoryException("a vote carries exactly one signature, this one " + vote.signatures().size());
        }
        HeaderSignature s = vote.signatures().get(0);
        if (authorities.voteSigner(vote).isEmpty()) {
            throw new DirectoryException("the vote is not signed as a vote by a configured authority");
        }
        Round round = rounds.get(vote.document().validAfter());
        if (round == null || !round.validUntil.equals(vote.document().validUntil())) {
            throw new DirectoryException("no round for a vote valid after " + vote.document().validAfter());
        }
        SignedConsensus earlier = round.votes.putIfAbsent(s.authority(), vote);
        if (earlier != null && !earlier.document().equals(vote.document())) {
            // Equivocation (dir-spec §3.8 counts one vote per authority): keep the evidence so that
            // VoteCombiner leaves this authority out of the round entirely, whatever order votes arrived in.
            round.conflicting.add(vote);
            throw new DirectoryException("authority " + s.authority() + " sent two different votes for "
                    + vote.document().validAfter() + ": left out of this round");
        }
    }

    /**
     * Combines the votes received for the period, signs the list and the merkle header, and keeps both
     * signatures as the first of the collection.
     *
     * @throws DirectoryException when too few authorities voted
     */
    public synchronized ConsensusDocument computeConsensus(Instant validAfter) throws DirectoryException {
        Round round = rounds.get(validAfter);
        if (round == null || round.ownVote == null) {
            throw new DirectoryException("this authority did not vote for " + validAfter);
        }
        List<SignedConsensus> votes = new ArrayList<>(round.votes.values());
        votes.addAll(round.conflicting);
        ConsensusDocument consensus = VoteCombiner.combine(votes, authorities, validAfter, round.validUntil);
        round.consensus = consensus;
        round.merkle = MerkleConsensus.of(consensus);
        round.listSignatures.clear();
        round.headerSignatures.clear();
        round.listSignatures.put(identity, consensus.sign(key));
        round.headerSignatures.put(identity, round.merkle.header().sign(key));
        return consensus;
    }

    /** This authority's signatures for the consensus it computed for the period, as other authorities fetch them. */
    public synchronized Optional<DetachedSignatures> ownSignatures(Instant validAfter) {
        Round r = rounds.get(validAfter);
        if (r == null || r.consensus == null) {
            return Optional.empty();
        }
        return Optional.of(new DetachedSignatures(r.consensus.digest(), r.merkle.header().consensusId(),
                r.listSignatures.get(identity), r.headerSignatures.get(identity)));
    }

    /**
     * Another authority's signatures. Counted only when they are for exactly the consensus this authority
     * computed (same digest and merkle id), by a configured authority, and both verify.
     *
     * @return whether they were added
     */
    public synchronized boolean addSignatures(Instant validAfter, DetachedSignatures s) {
        Round r = rounds.get(validAfter);
        if (r == null || r.consensus == null || !Arrays.equals(s.consensusDigest(), r.consensus.digest())
                || !Arrays.equals(s.merkleConsensusId(), r.merkle.header().consensusId())
                || !authorities.authorities().contains(s.list().authority())) {
            return false;
        }
        boolean listOk = Ed25519.verify(s.list().authority().bytes(), r.consensus.digest(), s.list().signature());
        // The header's signed hash is the library's business: a one-key authority set applies its rule.
        AuthoritySet signer = new AuthoritySet(java.util.Set.of(s.header().authority()));
        boolean headerOk = signer.verify(r.merkle.header().withSignatures(List.of(s.header())), validAfter)
                .validSignatures() == 1;
        if (!listOk || !headerOk) {
            return false;
        }
        r.listSignatures.put(s.list().authority(), s.list());
        r.headerSignatures.put(s.header().authority(), s.header());
        return true;
    }

    /** Signatures collected so far for the period's list. */
    public synchronized int signatureCount(Instant validAfter) {
        Round r = rounds.get(validAfter);
        return r == null ? 0 : Math.min(r.listSignatures.size(), r.headerSignatures.size());
    }

    /**
     * Publishes the period's directory when a strict majority signed both the list and the header; from then
     * on the authority serves it ({@link #cache()}).
     */
    public synchronized Optional<PublishedDirectory> publish(Instant validAfter) {
        Round r = rounds.get(validAfter);
        if (r == null || r.consensus == null || signatureCount(validAfter) < authorities.required()) {
            return Optional.empty();
        }
        SignedConsensus signed = r.consensus.withSignatures(List.copyOf(r.listSignatures.values()));
        if (authorities.verify(signed, validAfter).validSignatures() < authorities.required()) {
            return Optional.empty();
        }
        PublishedDirectory published = PublishedDirectory.of(signed, List.copyOf(r.headerSignatures.values()));
        cache.install(published); // refused when this authority already serves a later period
        return Optional.of(published);
    }

    private Round round(Instant validAfter, Instant validUntil) {
        Round r = rounds.get(validAfter);
        if (r == null || !r.validUntil.equals(validUntil)) {
            r = new Round(validUntil);
            rounds.put(validAfter, r);
        }
        while (rounds.size() > ROUNDS_KEPT) {
            rounds.pollFirstEntry();
        }
        return r;
    }
}
