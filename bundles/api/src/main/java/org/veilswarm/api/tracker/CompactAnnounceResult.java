package org.veilswarm.api.tracker;

import java.util.List;
import java.util.Objects;

/**
 * A store's answer to an announce with the peers as compact lists ({@link CompactPeer}): what a tracker sends
 * to the clients that ask for {@code compact=1}, which is almost all of them. Peers named by a DNS host are in
 * none of the lists.
 *
 * <p>The arrays are handed over, not copied (an announce is answered thousands of times per second): the
 * store builds them for this result only, and callers read them and never change them.
 *
 * @param ipv4 concatenated {@link CompactPeer#IPV4} entries
 * @param ipv6 concatenated {@link CompactPeer#IPV6} entries
 * @param onion concatenated {@link CompactPeer#ONION} entries
 * @param counts the torrent's swarm figures after the announce
 */
public record CompactAnnounceResult(byte[] ipv4, byte[] ipv6, byte[] onion, SwarmCounts counts) {
    public CompactAnnounceResult {
        check(ipv4, CompactPeer.IPV4, "ipv4");
        check(ipv6, CompactPeer.IPV6, "ipv6");
        check(onion, CompactPeer.ONION, "onion");
        Objects.requireNonNull(counts, "counts");
    }

    private static void check(byte[] list, int entry, String name) {
        Objects.requireNonNull(list, name);
        if (list.length % entry != 0) {
            throw new IllegalArgumentException(name + " is " + list.length + " bytes, not a multiple of " + entry);
        }
    }

    /** The compact form of a peer list, in its order (each family's entries in the order of {@code peers}). */
    public static CompactAnnounceResult of(List<PeerEntry> peers, SwarmCounts counts) {
        CompactListBuilder lists = new CompactListBuilder(peers.size());
        for (PeerEntry peer : peers) {
            lists.add(CompactPeer.of(peer.address()));
        }
        return lists.build(counts);
    }

    /** Peers in the compact lists. */
    public int peerCount() {
        return ipv4.length / CompactPeer.IPV4 + ipv6.length / CompactPeer.IPV6 + onion.length / CompactPeer.ONION;
    }

    /** Records compare arrays by reference; results are equal when their content is. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CompactAnnounceResult r && java.util.Arrays.equals(ipv4, r.ipv4)
                && java.util.Arrays.equals(ipv6, r.ipv6) && java.util.Arrays.equals(onion, r.onion)
                && counts.equals(r.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(ipv4), java.util.Arrays.hashCode(ipv6),
                java.util.Arrays.hashCode(onion), counts);
    }

    @Override
    public String toString() {
        return "CompactAnnounceResult[" + ipv4.length / CompactPeer.IPV4 + " IPv4, " + ipv6.length / CompactPeer.IPV6
                + " IPv6, " + onion.length / CompactPeer.ONION + " onion, " + counts + "]";
    }
}
