package org.veilswarm.directory.consensus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.BadDirectories;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.DirectoryTiers;
import org.veilswarm.directory.core.SourceLog;
import org.veilswarm.directory.core.ValiditySchedule;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.VerifiedConsensus;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;

/**
 * The {@code consensus} scheme's client (docs/protocols/directory-consensus.md §6). It downloads the signed
 * list from a directory chosen at random, verifies it (strict decoding, every relay signature, a strict
 * majority of the configured authorities, validity now) and then picks locally with
 * {@link FullListRelaySampler}. A directory whose list is forged, minority-signed or malformed is marked bad
 * for a while ({@link BadDirectories}) and another is asked; one whose list is expired or not yet valid, or
 * that cannot be reached, is only skipped for this download. A newer list is downloaded in the background before the
 * one in use expires (dir-spec §5.1), or sooner after a pick the list could not serve ({@link #pick}); only a newer
 * list replaces it. Thread-safe; concurrent picks share one download.
 */
public final class ConsensusClient implements RelaySampler {
    public static final int DEFAULT_MAX_DRAWS = 32;

    private final AuthoritySet authorities;
    private final DirectoryTiers<DirectoryHttpClient> directories;
    private final RelayDescriptorParser parser;
    private final Clock clock;
    private final RandomGenerator random;
    private final int maxDraws;
    private final BadDirectories bad;
    private final AtomicLong transferred = new AtomicLong();
    private volatile Current current;
    /** The last list verified, kept after it expires: its relays are the caches to ask for the next one. */
    private volatile VerifiedConsensus lastVerified;
    private final SourceLog sources = new SourceLog("consensus");
    private CompletableFuture<Current> inFlight;
    /** A background download of a newer list is under way (guarded by this). */
    private boolean refreshing;
    /** No background download before this (guarded by this). */
    private Instant noRefreshBefore = Instant.MIN;

    /** @param refreshAt when to download the next list in the background (dir-spec §5.1's client schedule) */
    private record Current(VerifiedConsensus consensus, FullListRelaySampler sampler, Instant refreshAt) {
    }

    /**
     * @param random picks and the directory choice; {@link java.security.SecureRandom} in production
     */
    public ConsensusClient(AuthoritySet authorities, List<DirectoryHttpClient> directories,
            RelayDescriptorParser parser, Clock clock, RandomGenerator random, int maxDraws) {
        this(authorities, directories, parser, clock, random, maxDraws, BadDirectories.DEFAULT_MARK);
    }

    /** @param badFor how long a directory that served a lie is not asked (unless all are marked) */
    public ConsensusClient(AuthoritySet authorities, List<DirectoryHttpClient> directories,
            RelayDescriptorParser parser, Clock clock, RandomGenerator random, int maxDraws, Duration badFor) {
        this(authorities, DirectoryTiers.fixed(directories, DirectoryHttpClient::name), parser, clock, random, maxDraws,
                badFor);
    }

    /**
     * A client asking relay caches first and the bootstrap directories (authorities, fallbacks) when no cache
     * answers with a list that verifies ({@link DirectoryTiers}).
     */
    public ConsensusClient(AuthoritySet authorities, DirectoryTiers<DirectoryHttpClient> directories,
            RelayDescriptorParser parser, Clock clock, RandomGenerator random, int maxDraws, Duration badFor) {
        this.bad = new BadDirectories(badFor);
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.directories = Objects.requireNonNull(directories, "directories");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        if (maxDraws < 1) {
            throw new IllegalArgumentException("maxDraws must be at least 1");
        }
        this.maxDraws = maxDraws;
    }

    @Override
    public CompletionStage<RelayDescriptor> pick(RelayRole role, PathConstraints constraints) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(constraints, "constraints");
        return current().thenCompose(c -> c.sampler().pick(role, constraints).whenComplete((relay, failure) -> {
            if (failure != null) {
                refreshEarly(c);
            }
        }));
    }

    /**
     * A list that cannot serve a pick may be one the authorities voted while relays were still uploading (a network
     * seconds old: no guard yet, too few relays for a path). Kept until its scheduled download it would fail picks
     * although the next list, listing them, is out one voting interval after this one's valid-after (dir-spec §1.4:
     * fresh-until). So once this list is no longer the freshest, a failing pick starts that download at once; a
     * failing pick asks again at most every twelfth of the validity.
     */
    private void refreshEarly(Current used) {
        Instant now = clock.instant();
        if (!now.isBefore(schedule(used.consensus()).freshUntil())) {
            startRefresh(used, now);
        }
    }

    /**
     * Starts a background download of a newer list, unless one is under way or the last one started less than a
     * twelfth of the list's validity ago (directories with nothing newer yet are not asked in a loop).
     */
    private synchronized void startRefresh(Current used, Instant now) {
        if (current != used || refreshing || inFlight != null || now.isBefore(noRefreshBefore)) {
            return;
        }
        refreshing = true;
        noRefreshBefore = now.plus(schedule(used.consensus()).retryAfter());
        fetch(new ArrayList<>(), false).whenComplete((newer, failure) -> {
            synchronized (this) {
                refreshing = false;
            }
        });
    }

    private static ValiditySchedule schedule(VerifiedConsensus consensus) {
        return new ValiditySchedule(consensus.document().validAfter(), consensus.document().validUntil());
    }

    /** The verified list in use, downloading a new one when there is none or it expired. */
    public CompletionStage<VerifiedConsensus> consensus() {
        return current().thenApply(Current::consensus);
    }

    /** The list in use if one is valid now, without downloading. */
    public Optional<VerifiedConsensus> cached() {
        Current c = current;
        return c != null && c.consensus().isValidAt(clock.instant()) ? Optional.of(c.consensus()) : Optional.empty();
    }

    /**
     * The last list verified, even if it expired since: the scheme takes the relay caches to ask from it (a
     * client a little behind still knows its caches, as tor uses a recent consensus for that).
     */
    public Optional<VerifiedConsensus> lastVerified() {
        return Optional.ofNullable(lastVerified);
    }

    /** Which directories served the lists, and how often each tier was used. */
    public SourceLog sources() {
        return sources;
    }

    /** Names of directories marked now for serving a forged, minority-signed or malformed list. */
    public Set<String> badDirectories() {
        return bad.names(clock.instant());
    }

    /** Response-body bytes received so far (compressed size when gzip was used). */
    public long bytesTransferred() {
        return transferred.get();
    }

    private synchronized CompletionStage<Current> current() {
        Current c = current;
        Instant now = clock.instant();
        if (c != null && c.consensus().isValidAt(now)) {
            if (!now.isBefore(c.refreshAt())) {
                startRefresh(c, now);
            }
            return CompletableFuture.completedFuture(c);
        }
        CompletableFuture<Current> download = inFlight;
        if (download == null) {
            download = fetch(new ArrayList<>(), true).toCompletableFuture();
            inFlight = download;
            CompletableFuture<Current> started = download;
            // May run at once (nothing left to ask): it then clears the field before this method returns.
            download.whenComplete((r, e) -> {
                synchronized (this) {
                    if (inFlight == started) {
                        inFlight = null;
                    }
                }
            });
        }
        return download;
    }

    /** @param replace install whatever verifies; otherwise only a list newer than the one in use (an early download) */
    private CompletionStage<Current> fetch(List<DirectoryHttpClient> tried, boolean replace) {
        Instant now = clock.instant();
        DirectoryHttpClient directory = directories.choose(tried, bad, now, random);
        if (directory == null) {
            return CompletableFuture.failedFuture(new DirectoryException("no directory left to download a valid"
                    + " consensus from (" + bad.names(now).size() + " marked bad, " + tried.size() + " tried)"));
        }
        tried.add(directory);
        boolean cache = directories.isCache(directory);
        int[] wire = new int[1];
        // Verification parses every descriptor (a relay signature each): off the stream's event loop.
        return directory.get(DirectoryPaths.CONSENSUS).thenApplyAsync(response -> {
            transferred.addAndGet(response.transferred());
            wire[0] = response.transferred();
            return authorities.verifyConsensus(response.body(), parser, clock.instant());
        }).handle((verification, error) -> {
            if (error != null) {
                sources.unreachable("consensus", directory.name(), cache, error);
                directories.failed(directory, error, clock.instant());
                return fetch(tried, replace);
            }
            if (!verification.accepted()) {
                // Expired or not yet valid is a directory behind or ahead at a period change: try another now,
                // this one again at the next download; only a lie marks it.
                if (BadDirectories.blames(verification.outcome())) {
                    bad.mark(directory.name(), clock.instant());
                    sources.markedBad("consensus", directory.name(), cache, verification.detail());
                } else {
                    sources.skipped("consensus", directory.name(), cache, verification.outcome().toString());
                }
                return fetch(tried, replace);
            }
            sources.served("consensus", directory.name(), cache, wire[0]);
            return CompletableFuture.completedFuture(install(verification, replace));
        }).thenCompose(stage -> stage);
    }

    private Current install(ConsensusVerification verification, boolean replace) {
        VerifiedConsensus consensus = verification.consensus().orElseThrow();
        synchronized (this) {
            Current inUse = current;
            if (!replace && inUse != null
                    && !consensus.document().validAfter().isAfter(inUse.consensus().document().validAfter())) {
                return inUse;
            }
            Current c = new Current(consensus, FullListRelaySampler.of(consensus, random, maxDraws),
                    schedule(consensus).clientDownloadAt(random));
            current = c;
            lastVerified = consensus;
            return c;
        }
    }
}
