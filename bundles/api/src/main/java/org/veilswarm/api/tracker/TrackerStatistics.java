package org.veilswarm.api.tracker;

/**
 * Totals over a store.
 *
 * @param torrents torrents with a record or at least one peer
 * @param seeders peers with nothing left to download
 * @param leechers other peers
 * @param completed completed downloads ever reported
 */
public record TrackerStatistics(long torrents, long seeders, long leechers, long completed) {
}
