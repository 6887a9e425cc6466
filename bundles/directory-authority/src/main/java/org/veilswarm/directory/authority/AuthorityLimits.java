package org.veilswarm.directory.authority;

import java.time.Duration;
import java.util.Objects;

import org.veilswarm.directory.core.RelayMerkleTree;

/**
 * Bounds on what one authority takes on (docs/protocols/directory-consensus.md §1.1–§1.4), so that a flood of
 * descriptors cannot exhaust its memory, crowd the list from one address, open unbounded connections or keep
 * it busy checking signatures.
 *
 * @param maxKnownRelays identities held at once; a new identity beyond it is refused ({@code FULL})
 * @param maxRelaysPerAddress relays listed per IP address, the longest known first (Tor's
 *        AuthDirMaxServersPerAddr, dir-spec §3.4.2); loopback addresses are not counted (single-host test
 *        networks; clients elsewhere cannot reach them anyway)
 * @param maxConcurrentProbes reachability probes in flight at once
 * @param uploadsPerSource descriptor uploads one source address (an IPv4 address, an IPv6 /64) may make per
 *        {@code uploadInterval}; checked before the upload is parsed, so a flood costs no signature checks
 * @param uploadsPerIdentity descriptor uploads for one relay identity per {@code uploadInterval}, whatever
 *        address they come from
 * @param uploadInterval the window both upload counts refer to
 */
public record AuthorityLimits(int maxKnownRelays, int maxRelaysPerAddress, int maxConcurrentProbes,
        int uploadsPerSource, int uploadsPerIdentity, Duration uploadInterval) {
    private static final int DEFAULT_UPLOADS_PER_SOURCE = 120;
    private static final int DEFAULT_UPLOADS_PER_IDENTITY = 10;
    private static final Duration DEFAULT_UPLOAD_INTERVAL = Duration.ofMinutes(1);

    /**
     * As many relays as a list holds, two per address (Tor's default), 64 probes at once; per minute 120
     * uploads from one source (a host running many relays re-publishing) and 10 for one identity (a relay
     * re-publishes every few minutes; more is a loop or an attack).
     */
    public static final AuthorityLimits DEFAULT = new AuthorityLimits(RelayMerkleTree.MAX_RELAYS, 2, 64);

    public AuthorityLimits {
        if (maxKnownRelays < 1 || maxRelaysPerAddress < 1 || maxConcurrentProbes < 1 || uploadsPerSource < 1
                || uploadsPerIdentity < 1) {
            throw new IllegalArgumentException("every limit must be at least 1");
        }
        Objects.requireNonNull(uploadInterval, "uploadInterval");
        if (uploadInterval.isNegative() || uploadInterval.isZero()) {
            throw new IllegalArgumentException("uploadInterval must be positive, got " + uploadInterval);
        }
    }

    /** The given relay and probe bounds with the default upload rates. */
    public AuthorityLimits(int maxKnownRelays, int maxRelaysPerAddress, int maxConcurrentProbes) {
        this(maxKnownRelays, maxRelaysPerAddress, maxConcurrentProbes, DEFAULT_UPLOADS_PER_SOURCE,
                DEFAULT_UPLOADS_PER_IDENTITY, DEFAULT_UPLOAD_INTERVAL);
    }
}
