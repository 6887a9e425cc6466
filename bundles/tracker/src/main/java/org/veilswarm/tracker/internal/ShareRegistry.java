package org.veilswarm.tracker.internal;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
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
import org.veilswarm.tracker.mirror.MirrorException;
import org.veilswarm.tracker.mirror.PublicShareList;
import org.veilswarm.tracker.mirror.SwarmGuard;
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
    /**
     * A share and, for a mirrored copy of another node's share, the id of the mirror that keeps it (empty: this
     * node's own share).
     */
    private record Entry(TrackerShare share, TrackedShare tracked, Optional<String> mirror) {
        boolean mirrored() {
            return mirror.isPresent();
        }
    }

    private final Map<TokenDigest, Entry> entries = new ConcurrentHashMap<>();
    /** Which mirror writes which swarm (20-byte info-hash → mirror id); guarded by itself. */
    private final Map<InfoHash, String> mirroredSwarms = new HashMap<>();
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
        entries.put(TokenDigest.of(token), new Entry(share, new TrackedShare(visibility, infoHashes), Optional.empty()));
        return share;
    }

    /**
     * Serves mirror {@code mirrorId}'s copy of another node's share under its token, unless this node serves the
     * token as its own share (its own share always wins; a mirror must never replace it, for example when two
     * nodes mirror each other) or another mirror already serves it (the first one keeps it: one mirror may not
     * replace another's copy, which a node listing someone else's public token would otherwise do).
     *
     * @return whether the copy is served
     */
    boolean restoreMirrored(String mirrorId, String token, Visibility visibility, Set<InfoHash> infoHashes) {
        TrackerShare share = new TrackerShare(token, visibility, infoHashes);
        Entry copy = new Entry(share, new TrackedShare(visibility, infoHashes), Optional.of(mirrorId));
        Entry now = entries.compute(TokenDigest.of(token),
                (digest, old) -> old == null || old.mirror().equals(copy.mirror()) ? copy : old);
        return now == copy;
    }

    /** Stops serving mirror {@code mirrorId}'s copy; this node's own share or another mirror's is left alone. */
    void revokeMirrored(String mirrorId, String token) {
        entries.computeIfPresent(TokenDigest.of(token),
                (digest, old) -> old.mirror().filter(mirrorId::equals).isPresent() ? null : old);
    }

    /**
     * The swarms mirror {@code mirrorId} may write: none that this node tracks as its own share, none another
     * mirror copies. The store is keyed by info-hash alone, so this is what keeps one share's source out of
     * every other share's swarm.
     */
    SwarmGuard swarmGuard(String mirrorId) {
        return new SwarmGuard() {
            @Override
            public void claim(Set<InfoHash> infoHashes) throws MirrorException {
                synchronized (mirroredSwarms) {
                    Set<InfoHash> own = new HashSet<>();
                    entries.values().stream().filter(e -> !e.mirrored()).forEach(e -> own.addAll(e.tracked().infoHashes()));
                    for (InfoHash hash : infoHashes) {
                        InfoHash key = hash.truncated();
                        if (own.contains(key)) {
                            throw new MirrorException("refused: the source names info-hash " + key.hex()
                                    + ", which this node tracks as its own share; a mirror never writes into it");
                        }
                        String owner = mirroredSwarms.get(key);
                        if (owner != null && !owner.equals(mirrorId)) {
                            throw new MirrorException("refused: the source names info-hash " + key.hex()
                                    + ", which mirror " + owner + " already copies");
                        }
                    }
                    infoHashes.forEach(hash -> mirroredSwarms.put(hash.truncated(), mirrorId));
                }
            }

            @Override
            public void release(Set<InfoHash> infoHashes) {
                synchronized (mirroredSwarms) {
                    infoHashes.forEach(hash -> mirroredSwarms.remove(hash.truncated(), mirrorId));
                }
            }

            @Override
            public void releaseAll() {
                synchronized (mirroredSwarms) {
                    mirroredSwarms.values().removeIf(mirrorId::equals);
                }
            }
        };
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

    /**
     * This node's own public shares: a private token never leaves the table through the public index, and
     * mirrored copies are left out so that two nodes mirroring each other by address do not copy their own
     * shares back and forth (a copy is still served, and can be mirrored by its link).
     */
    @Override
    public List<String> publicTokens() {
        return entries.values().stream().filter(e -> e.share().visibility() == Visibility.PUBLIC && !e.mirrored())
                .map(e -> e.share().token()).toList();
    }

    @Override
    public List<TransportAddress> endpoints() {
        return endpoints.get();
    }
}
