package org.veilswarm.api.directory;

/**
 * Flags the directory authorities assign to relays (dir-spec §3.4.2 names), by rules each scheme documents.
 */
public enum RelayFlag {
    /** The authorities reached the relay recently. */
    RUNNING,
    /** The relay's descriptor is well formed and its software acceptable. */
    VALID,
    /** Long uptime: suitable for long-lived circuits. */
    STABLE,
    /** Enough bandwidth to be useful. */
    FAST,
    /** Suitable as the first hop. */
    GUARD,
    /** Stores onion service descriptors (on the hash ring, rend-spec-v3 §2.2). */
    HSDIR
}
