package org.veilswarm.tracker.internal;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.api.TrackerShares;
import org.veilswarm.tracker.mirror.PublicShareList;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.ShareTokens;
import org.veilswarm.tracker.protocol.TokenDigest;
import org.veilswarm.tracker.protocol.TrackedShare;

/**
 * The token table the server routes by, and the {@link TrackerShares} operations on it. Keyed by
 * {@link TokenDigest} like every {@link ShareTokens}, so the lookup an HTTP request triggers does the same work
 * for known and unknown tokens.
 */
final class ShareRegistry implements ShareTokens, TrackerShares, PublicShareList {
    private record Entry(TrackerShare share, TrackedShare tracked) {
    }

    private final Map<TokenDigest, Entry> entries = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Supplier<List<TransportAddress>> endpoints;

    ShareRegistry(SecureRandom random, Supplier<List<TransportAddress>> endpoints) {
        this.random = random;
        this.endpoints = endpoints;
    }

    @Override
    public Optional<TrackedShare> find(TokenDigest digest) {
        Entry entry = entries.get(digest);
        return entry == null ? Optional.empty() : Optional.of(entry.tracked());
    }

    @Override
    public TrackerShare register(Visibility visibility, Set<InfoHash> infoHashes) {
        return restore(ShareTokenTable.newToken(random), visibility, infoHashes);
    }

    @Override
    public TrackerShare restore(String token, Visibility visibility, Set<InfoHash> infoHashes) {
        if (!ShareTokens.isWellFormed(token)) {
            throw new IllegalArgumentException("a share token is 22-86 base64url characters (at least 128 bits)");
        }
        TrackerShare share = new TrackerShare(token, visibility, infoHashes);
        entries.put(TokenDigest.of(token), new Entry(share, new TrackedShare(visibility, infoHashes)));
        return share;
    }

    @Override
    public Optional<TrackerShare> publish(String privateToken, boolean revokePrivate) {
        TokenDigest digest = TokenDigest.of(privateToken);
        Entry entry = entries.get(digest);
        if (entry == null || entry.share().visibility() != Visibility.PRIVATE) {
            return Optional.empty();
        }
        TrackerShare published = register(Visibility.PUBLIC, entry.share().infoHashes());
        if (revokePrivate) {
            entries.remove(digest, entry);
        }
        return Optional.of(published);
    }

    @Override
    public boolean revoke(String token) {
        return entries.remove(TokenDigest.of(token)) != null;
    }

    @Override
    public Optional<TrackerShare> find(String token) {
        Entry entry = entries.get(TokenDigest.of(token));
        return entry == null ? Optional.empty() : Optional.of(entry.share());
    }

    /** Public shares only: a private token never leaves the table through the public index. */
    @Override
    public List<String> publicTokens() {
        return entries.values().stream().filter(e -> e.share().visibility() == Visibility.PUBLIC)
                .map(e -> e.share().token()).toList();
    }

    @Override
    public List<TransportAddress> endpoints() {
        return endpoints.get();
    }
}
