package org.veilswarm.api.tracker;

/**
 * Scrape figures of one torrent (BEP 48).
 *
 * @param complete seeders
 * @param incomplete leechers
 * @param downloaded completed downloads ever reported
 */
public record SwarmCounts(int complete, int incomplete, long downloaded) {
}
