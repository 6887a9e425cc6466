package org.veilswarm.swarm.engine;

import java.time.Duration;
import java.util.Objects;

import org.veilswarm.swarm.picker.PickerConfig;
import org.veilswarm.swarm.storage.StorageOptions;

/**
 * Settings of one torrent.
 *
 * @param picker            piece order (random first pieces, strict-sequential)
 * @param storage           file access and how often resume data is written
 * @param requestQueueDepth requests we keep pending at one peer (pipelining; capped by the peer's BEP 10
 *                          {@code reqq}). 16 KiB each: 256 keep 4 MiB in flight, enough to fill a loopback
 *                          or LAN link through the hops between the network and the torrent's thread
 * @param maxIncomingRequests requests of one peer we queue for serving (announced as our {@code reqq});
 *                          more are rejected (BEP 6) or dropped
 * @param choking           who we upload to
 * @param rechokeInterval   how often {@link #choking} is asked for a full round (BEP 3 suggests rechoking every
 *                          10 seconds; a policy that keeps its own round timing wants to be asked more often)
 * @param uploadLimit       this torrent's upload limit (the engine's global one applies as well)
 * @param downloadLimit     this torrent's download limit
 * @param hybridUseV1Hash   for a hybrid torrent, open connections with the v1 info-hash and the v2 upgrade
 *                          bit (reaches v1-only peers; v2 peers upgrade) instead of the truncated v2 hash
 * @param maxHashFailures   pieces failing verification that one peer may contribute to before it is dropped
 */
public record TorrentOptions(PickerConfig picker, StorageOptions storage, int requestQueueDepth,
                             int maxIncomingRequests, ChokingPolicy choking, Duration rechokeInterval,
                             RateLimiter uploadLimit, RateLimiter downloadLimit, boolean hybridUseV1Hash,
                             int maxHashFailures) {

    public TorrentOptions {
        Objects.requireNonNull(picker, "picker");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(choking, "choking");
        Objects.requireNonNull(rechokeInterval, "rechokeInterval");
        Objects.requireNonNull(uploadLimit, "uploadLimit");
        Objects.requireNonNull(downloadLimit, "downloadLimit");
        if (requestQueueDepth < 1 || maxIncomingRequests < 1 || maxHashFailures < 1) {
            throw new IllegalArgumentException("requestQueueDepth, maxIncomingRequests and maxHashFailures must be positive");
        }
        if (rechokeInterval.isNegative() || rechokeInterval.isZero()) {
            throw new IllegalArgumentException("rechokeInterval must be positive");
        }
    }

    /**
     * Defaults: 256 pending requests per peer, 2048 queued from each peer, a fresh
     * {@link TitForTatChokingPolicy} asked every second (it times its own 10 s and 30 s rounds), no limits.
     * Each call makes a new policy: policies keep per-torrent state, so never share one between torrents.
     */
    public static TorrentOptions defaults() {
        return new TorrentOptions(PickerConfig.defaults(), StorageOptions.defaults(), 256, 2048,
                TitForTatChokingPolicy.defaults(), Duration.ofSeconds(1), RateLimiter.UNLIMITED,
                RateLimiter.UNLIMITED, false, 3);
    }

    public TorrentOptions withPicker(PickerConfig value) {
        return new TorrentOptions(value, storage, requestQueueDepth, maxIncomingRequests, choking, rechokeInterval,
                uploadLimit, downloadLimit, hybridUseV1Hash, maxHashFailures);
    }

    public TorrentOptions withStorage(StorageOptions value) {
        return new TorrentOptions(picker, value, requestQueueDepth, maxIncomingRequests, choking, rechokeInterval,
                uploadLimit, downloadLimit, hybridUseV1Hash, maxHashFailures);
    }

    public TorrentOptions withRequestQueueDepth(int value) {
        return new TorrentOptions(picker, storage, value, maxIncomingRequests, choking, rechokeInterval,
                uploadLimit, downloadLimit, hybridUseV1Hash, maxHashFailures);
    }

    public TorrentOptions withChoking(ChokingPolicy value, Duration interval) {
        return new TorrentOptions(picker, storage, requestQueueDepth, maxIncomingRequests, value, interval,
                uploadLimit, downloadLimit, hybridUseV1Hash, maxHashFailures);
    }

    public TorrentOptions withUploadLimit(RateLimiter value) {
        return new TorrentOptions(picker, storage, requestQueueDepth, maxIncomingRequests, choking, rechokeInterval,
                value, downloadLimit, hybridUseV1Hash, maxHashFailures);
    }

    public TorrentOptions withDownloadLimit(RateLimiter value) {
        return new TorrentOptions(picker, storage, requestQueueDepth, maxIncomingRequests, choking, rechokeInterval,
                uploadLimit, value, hybridUseV1Hash, maxHashFailures);
    }

    public TorrentOptions withHybridUseV1Hash(boolean value) {
        return new TorrentOptions(picker, storage, requestQueueDepth, maxIncomingRequests, choking, rechokeInterval,
                uploadLimit, downloadLimit, value, maxHashFailures);
    }
}
