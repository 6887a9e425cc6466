package org.veilswarm.directory.authority;

import org.veilswarm.directory.core.RelayMerkleTree;

/**
 * Bounds on what one authority takes on (docs/protocols/directory-consensus.md §1.1–§1.3), so that a flood of
 * descriptors cannot exhaust its memory, crowd the list from one address, or open unbounded connections.
 *
 * @param maxKnownRelays identities held at once; a new identity beyond it is refused ({@code FULL})
 * @param maxRelaysPerAddress relays listed per IP address, the longest known first (Tor's
 *        AuthDirMaxServersPerAddr, dir-spec §3.4.2); loopback addresses are not counted (single-host test
 *        networks; clients elsewhere cannot reach them anyway)
 * @param maxConcurrentProbes reachability probes in flight at once
 */
public record AuthorityLimits(int maxKnownRelays, int maxRelaysPerAddress, int maxConcurrentProbes) {
    /** As many relays as a list holds, two per address (Tor's default), 64 probes at once. */
    public static final AuthorityLimits DEFAULT = new AuthorityLimits(RelayMerkleTree.MAX_RELAYS, 2, 64);

    public AuthorityLimits {
        if (maxKnownRelays < 1 || maxRelaysPerAddress < 1 || maxConcurrentProbes < 1) {
            throw new IllegalArgumentException("every limit must be at least 1");
        }
    }
}
