package org.veilswarm.tracker.mirror;

/**
 * Bounds of mirroring documents, applied by the source when it writes and by the mirror when it reads.
 *
 * @param maxSnapshotBytes largest signed snapshot
 * @param maxBatchBytes largest signed change batch
 * @param maxTorrents most torrents in one snapshot
 * @param maxPeersPerTorrent most peers of one torrent in a snapshot
 * @param maxBatchChanges most changes in one batch
 * @param maxTextBytes longest string (name, description, tag, file path, address)
 * @param maxFilesPerTorrent most file paths in one record
 */
public record MirrorLimits(int maxSnapshotBytes, int maxBatchBytes, int maxTorrents, int maxPeersPerTorrent,
        int maxBatchChanges, int maxTextBytes, int maxFilesPerTorrent) {

    /** 16 MiB snapshots, 1 MiB batches, 10,000 torrents, 2,000 peers each, 1,000 changes per batch. */
    public static final MirrorLimits DEFAULT = new MirrorLimits(16 << 20, 1 << 20, 10_000, 2_000, 1_000, 64 * 1024,
            10_000);

    public MirrorLimits {
        if (maxSnapshotBytes < 1024 || maxBatchBytes < 1024 || maxTorrents < 1 || maxPeersPerTorrent < 1
                || maxBatchChanges < 1 || maxTextBytes < 256 || maxFilesPerTorrent < 1) {
            throw new IllegalArgumentException("mirror limits too small to carry any data");
        }
    }

    public MirrorLimits withMaxBatchBytes(int bytes) {
        return new MirrorLimits(maxSnapshotBytes, bytes, maxTorrents, maxPeersPerTorrent, maxBatchChanges,
                maxTextBytes, maxFilesPerTorrent);
    }

    public MirrorLimits withMaxSnapshotBytes(int bytes) {
        return new MirrorLimits(bytes, maxBatchBytes, maxTorrents, maxPeersPerTorrent, maxBatchChanges,
                maxTextBytes, maxFilesPerTorrent);
    }
}
