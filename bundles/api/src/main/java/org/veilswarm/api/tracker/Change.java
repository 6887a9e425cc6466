package org.veilswarm.api.tracker;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a store's change feed. Mirrors replay changes in sequence order through
 * {@link TrackerStore#apply(Change)} to stay in sync with their source.
 *
 * @param sequence strictly increasing per store, starting at 1
 * @param kind what changed
 * @param infoHash the torrent concerned
 * @param peer the peer, for peer changes
 * @param torrent the record, for {@link Kind#TORRENT_PUT}
 */
public record Change(long sequence, Kind kind, InfoHash infoHash, Optional<PeerEntry> peer,
        Optional<TorrentRecord> torrent) {

    /** Kinds of change. */
    public enum Kind {
        /** A peer announced (added or updated). */
        PEER_PUT,
        /** A peer stopped or expired. */
        PEER_REMOVE,
        /** A torrent record was created or updated. */
        TORRENT_PUT,
        /** A torrent and all its peers were removed. */
        TORRENT_REMOVE
    }

    public Change {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(torrent, "torrent");
        boolean peerKind = kind == Kind.PEER_PUT || kind == Kind.PEER_REMOVE;
        if (peerKind != peer.isPresent()) {
            throw new IllegalArgumentException(kind + (peerKind ? " needs" : " must not have") + " a peer");
        }
        if ((kind == Kind.TORRENT_PUT) != torrent.isPresent()) {
            throw new IllegalArgumentException(kind + (kind == Kind.TORRENT_PUT ? " needs" : " must not have")
                    + " a torrent record");
        }
    }
}
