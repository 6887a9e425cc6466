package org.veilswarm.tracker.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A mirror and how it is doing. Carries no share token (private tokens are secrets; the id is derived from
 * the token by a one-way hash).
 *
 * @param id stable identifier (16 hexadecimal digits), the same across restarts
 * @param kind one share, or all public shares of a node
 * @param source the node mirrored: its key verifies everything copied
 * @param endpoint where the source is reached
 * @param state see {@link State}
 * @param lastError the last failure (unreachable source, refused document, ...), cleared by the next success
 * @param position the last source sequence applied; for a node mirror the lowest of its shares' (0 with none)
 * @param lag time since the source last gave a verified answer (a healthy mirror long-polls, so this stays
 *            below the long-poll time plus a round trip); empty before the first answer since the start
 * @param shares shares served from this mirror (1 for a share mirror once known, the listed public shares
 *               for a node mirror)
 * @param torrents torrents copied
 */
public record TrackerMirrorInfo(String id, Kind kind, OnionAddress source, TransportAddress endpoint, State state,
        Optional<String> lastError, long position, Optional<Duration> lag, int shares, int torrents) {

    /** What a mirror follows. */
    public enum Kind {
        /** One share, by its link. */
        SHARE,
        /** All public shares of a node, by the node's address. */
        NODE
    }

    /** Where a mirror stands. */
    public enum State {
        /** Started; no verified answer from the source yet (the copy on disk, if any, is served). */
        STARTING,
        /** The last exchange with the source succeeded. */
        FOLLOWING,
        /** The last exchange failed ({@link TrackerMirrorInfo#lastError()}); retried with back-off, the copy is served. */
        RETRYING
    }

    public TrackerMirrorInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lag, "lag");
    }
}
