package org.veilswarm.tracker.protocol;

import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;

/**
 * What a share token opens: the prefix it is served under and the torrents its tracker accepts.
 *
 * @param visibility {@code /private/} or {@code /public/}
 * @param infoHashes the torrents (v1 or v2 hashes; a v2 hash is matched by its 20-byte truncation)
 */
public record TrackedShare(Visibility visibility, Set<InfoHash> infoHashes) {
    public TrackedShare {
        Objects.requireNonNull(visibility, "visibility");
        infoHashes = infoHashes.stream().map(InfoHash::truncated).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the share's tracker accepts announces for {@code infoHash} (a 20-byte wire hash). */
    public boolean tracks(InfoHash infoHash) {
        return infoHashes.contains(infoHash.truncated());
    }
}
