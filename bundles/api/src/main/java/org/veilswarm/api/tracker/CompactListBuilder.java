package org.veilswarm.api.tracker;

import java.util.Arrays;

/**
 * Collects {@link CompactPeer} entries into the three lists of a {@link CompactAnnounceResult}: sized for the
 * common case (every peer IPv4) up front, the other families grown as they come. Not thread-safe; one per
 * answer.
 */
public final class CompactListBuilder {
    private byte[] ipv4;
    private int ipv4Length;
    private byte[] ipv6 = new byte[0];
    private int ipv6Length;
    private byte[] onion = new byte[0];
    private int onionLength;

    /** @param expected how many peers will probably be added */
    public CompactListBuilder(int expected) {
        ipv4 = new byte[CompactPeer.IPV4 * Math.max(0, expected)];
    }

    /** Adds one entry as {@link CompactPeer#of} returns it (an empty one is ignored). */
    public void add(byte[] entry) {
        switch (entry.length) {
            case CompactPeer.IPV4 -> {
                ipv4 = room(ipv4, ipv4Length, entry.length);
                System.arraycopy(entry, 0, ipv4, ipv4Length, entry.length);
                ipv4Length += entry.length;
            }
            case CompactPeer.IPV6 -> {
                ipv6 = room(ipv6, ipv6Length, entry.length);
                System.arraycopy(entry, 0, ipv6, ipv6Length, entry.length);
                ipv6Length += entry.length;
            }
            case CompactPeer.ONION -> {
                onion = room(onion, onionLength, entry.length);
                System.arraycopy(entry, 0, onion, onionLength, entry.length);
                onionLength += entry.length;
            }
            case 0 -> {
                // a peer named by a DNS host: no compact form
            }
            default -> throw new IllegalArgumentException("not a compact peer entry: " + entry.length + " bytes");
        }
    }

    /** The lists collected so far, with {@code counts}. */
    public CompactAnnounceResult build(SwarmCounts counts) {
        return new CompactAnnounceResult(trim(ipv4, ipv4Length), trim(ipv6, ipv6Length), trim(onion, onionLength),
                counts);
    }

    private static byte[] room(byte[] list, int used, int more) {
        return used + more <= list.length ? list : Arrays.copyOf(list, Math.max(used + more, list.length * 2));
    }

    private static byte[] trim(byte[] list, int used) {
        return used == list.length ? list : Arrays.copyOf(list, used);
    }
}
