package org.veilswarm.swarm.engine;

/** Where a torrent stands. */
public enum TorrentState {
    /** Missing pieces; requesting them from peers. */
    DOWNLOADING,
    /** Every piece is verified; only uploading. */
    SEEDING,
    /** Stopped on request; peers are disconnected and resume data written. */
    STOPPED,
    /** Storage failed (disk full, permission denied, ...): see {@link TorrentStats#failureReason()}. The node runs on. */
    FAILED
}
