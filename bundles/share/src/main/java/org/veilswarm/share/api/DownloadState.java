package org.veilswarm.share.api;

/** Where a download stands. */
public enum DownloadState {
    /** Asking the source's tracker for peers. */
    CONNECTING,
    /** Fetching the torrent's metadata from peers (BEP 9). */
    FETCHING_METADATA,
    /** Downloading pieces. */
    DOWNLOADING,
    /**
     * Downloading, but no data has arrived for a while (30 s): no peer is connected, or none of those connected
     * sends. The node keeps dialling the peers it knows and asking the source's tracker for more; the download
     * goes on by itself when one answers (a source node that restarts, a circuit rebuilt). Since 1.3.
     */
    STALLED,
    /** Paused by the user: no connections. */
    PAUSED,
    /** Complete and verified; now seeding and tracking it. */
    SEEDING,
    /** Stopped for the reason in {@link Download#error()}. */
    FAILED
}
