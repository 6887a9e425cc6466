package org.veilswarm.tracker.api;

import java.util.Objects;
import java.util.Set;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;

/**
 * A share as the tracker serves it: the secret token, the prefix it is served under and its torrents.
 *
 * @param token the share token (at least 128 random bits, base64url): a secret, never logged
 * @param visibility served under {@code /private/<token>/} or {@code /public/<token>/}
 * @param infoHashes the torrents whose announces the share's tracker accepts
 */
public record TrackerShare(String token, Visibility visibility, Set<InfoHash> infoHashes) {
    public TrackerShare {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(visibility, "visibility");
        infoHashes = Set.copyOf(infoHashes);
    }

    /** The path prefix of the share's tracker: {@code /private/<token>/} or {@code /public/<token>/}. */
    public String pathPrefix() {
        return "/" + (visibility == Visibility.PUBLIC ? "public" : "private") + "/" + token + "/";
    }

    /** The announce path: {@code <pathPrefix>announce}. */
    public String announcePath() {
        return pathPrefix() + "announce";
    }

    /** Without the token: shares end up in logs and exception messages. */
    @Override
    public String toString() {
        return "TrackerShare[" + visibility + ", " + infoHashes.size() + " torrent(s), token …]";
    }
}
