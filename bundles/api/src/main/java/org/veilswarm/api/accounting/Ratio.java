package org.veilswarm.api.accounting;

/**
 * This node's totals and share ratio.
 *
 * @param uploaded payload bytes sent to peers
 * @param relayed bytes relayed for others (attested where the scheme can)
 * @param downloaded payload bytes received
 */
public record Ratio(long uploaded, long relayed, long downloaded) {
    public Ratio {
        if (uploaded < 0 || relayed < 0 || downloaded < 0) {
            throw new IllegalArgumentException("totals cannot be negative");
        }
    }

    /** (uploaded + relayed) / downloaded; positive infinity when nothing was downloaded yet. */
    public double value() {
        return downloaded == 0 ? Double.POSITIVE_INFINITY : (double) (uploaded + relayed) / downloaded;
    }
}
