package org.veilswarm.swarm.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one torrent.
 *
 * @param state           where the torrent stands
 * @param failureReason   why it failed (empty unless {@link TorrentState#FAILED})
 * @param verifiedPieces  pieces verified and on disk
 * @param pieceCount      pieces in the torrent
 * @param verifiedBytes   bytes of the verified pieces
 * @param totalBytes      bytes of the torrent
 * @param downloaded      payload bytes received in this session (duplicates and failed pieces included)
 * @param uploaded        payload bytes sent in this session
 * @param downloadRate    recent payload bytes/s received
 * @param uploadRate      recent payload bytes/s sent
 * @param hashFailures    pieces that failed verification in this session
 * @param peers           the connected peers
 */
public record TorrentStats(TorrentState state, String failureReason, int verifiedPieces, int pieceCount,
                           long verifiedBytes, long totalBytes, long downloaded, long uploaded, long downloadRate,
                           long uploadRate, int hashFailures, List<PeerStats> peers) {

    public TorrentStats {
        peers = List.copyOf(peers);
    }

    /** Verified bytes as a fraction of the torrent, 0 to 1. */
    public double progress() {
        return totalBytes == 0 ? 1.0 : (double) verifiedBytes / totalBytes;
    }

    /** Remaining bytes at the recent download rate; empty when complete or not downloading. */
    public Optional<Duration> eta() {
        long remaining = totalBytes - verifiedBytes;
        if (remaining <= 0 || downloadRate <= 0 || state != TorrentState.DOWNLOADING) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(remaining * 1000 / downloadRate));
    }
}
