package org.veilswarm.share.api;

/** Where a download stands. */
public enum DownloadState {
    /** Asking the source's tracker for peers. */
    CONNECTING,
    /** Fetching the torrent's metadata from peers (BEP 9). */
    FETCHING_METADATA,
    /** Downloading pieces. */
    DOWNLOADING,
    /** Paused by the user: no connections. */
    PAUSED,
    /** Complete and verified; now seeding and tracking it. */
    SEEDING,
    /** Stopped for the reason in {@link Download#error()}. */
    FAILED
}
