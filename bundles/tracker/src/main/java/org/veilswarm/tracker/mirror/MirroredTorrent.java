package org.veilswarm.tracker.mirror;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;

/**
 * One torrent of a snapshot: its record if the source has one, and its current peers.
 *
 * @param infoHash the torrent (as the record has it, else the 20-byte wire form)
 * @param record the searchable record, if any
 * @param peers the peers, each with this torrent's hash
 */
public record MirroredTorrent(InfoHash infoHash, Optional<TorrentRecord> record, List<PeerEntry> peers) {
    public MirroredTorrent {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(record, "record");
        peers = List.copyOf(peers);
    }
}
