package org.veilswarm.peerwire.metadata;

import java.time.Duration;

/**
 * How a {@link MetadataAssembler} treats peers.
 *
 * @param maxMetadataSize      largest {@code metadata_size} believed; a peer announcing more is not used.
 *                             16 MiB holds the info dictionary of any real v2 torrent (a v2 info dictionary
 *                             grows with the number of files, not with the content size)
 * @param requestTimeout       a request unanswered for this long goes to another peer
 * @param refusalCooldown      how long a peer that rejected or let a piece time out is not asked for that
 *                             piece (or, as the only source, for anything) again
 * @param maxRequestsPerPeer   outstanding requests per peer; libtorrent rejects requests beyond a few at once
 */
public record MetadataOptions(long maxMetadataSize, Duration requestTimeout, Duration refusalCooldown,
                              int maxRequestsPerPeer) {

    public static final long DEFAULT_MAX_METADATA_SIZE = 16L << 20;

    public static final MetadataOptions DEFAULT = new MetadataOptions(DEFAULT_MAX_METADATA_SIZE,
            Duration.ofSeconds(10), Duration.ofSeconds(30), 4);

    public MetadataOptions {
        if (maxMetadataSize < 1 || maxMetadataSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxMetadataSize must be 1.." + (Integer.MAX_VALUE - 8));
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || refusalCooldown.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be positive and refusalCooldown not negative");
        }
        if (maxRequestsPerPeer < 1) {
            throw new IllegalArgumentException("maxRequestsPerPeer must be positive");
        }
    }

    public MetadataOptions withMaxMetadataSize(long size) {
        return new MetadataOptions(size, requestTimeout, refusalCooldown, maxRequestsPerPeer);
    }

    public MetadataOptions withRequestTimeout(Duration timeout) {
        return new MetadataOptions(maxMetadataSize, timeout, refusalCooldown, maxRequestsPerPeer);
    }

    public MetadataOptions withMaxRequestsPerPeer(int n) {
        return new MetadataOptions(maxMetadataSize, requestTimeout, refusalCooldown, n);
    }
}
