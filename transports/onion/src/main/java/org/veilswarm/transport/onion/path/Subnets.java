package org.veilswarm.transport.onion.path;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.veilswarm.api.directory.RelayDescriptor;

/**
 * path-spec §2.2: "We do not choose more than one router in a given network range", an IPv4 /16 or an
 * IPv6 /32, since one operator or ISP often holds a whole range. Loopback addresses are left out: relays
 * on this host exist only in test and private networks, where all share 127.0.0.0/8 (tor turns the rule
 * off there with EnforceDistinctSubnets 0).
 */
final class Subnets {
    private static final int IPV4_PREFIX_BYTES = 2;
    private static final int IPV6_PREFIX_BYTES = 4;

    private Subnets() {
    }

    /** Whether some OR address of {@code a} and some of {@code b} lie in one /16 (IPv4) or /32 (IPv6). */
    static boolean shareRange(RelayDescriptor a, RelayDescriptor b) {
        for (InetSocketAddress x : a.orAddresses()) {
            for (InetSocketAddress y : b.orAddresses()) {
                if (sameRange(x.getAddress(), y.getAddress())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sameRange(InetAddress x, InetAddress y) {
        if (x == null || y == null || x.isLoopbackAddress() || y.isLoopbackAddress()) {
            return false;
        }
        int prefix;
        if (x instanceof Inet4Address && y instanceof Inet4Address) {
            prefix = IPV4_PREFIX_BYTES;
        } else if (x instanceof Inet6Address && y instanceof Inet6Address) {
            prefix = IPV6_PREFIX_BYTES;
        } else {
            return false;
        }
        return java.util.Arrays.equals(x.getAddress(), 0, prefix, y.getAddress(), 0, prefix);
    }
}
