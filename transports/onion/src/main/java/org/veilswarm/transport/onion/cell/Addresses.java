package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4/IPv6 addresses as raw network-order bytes, the way tor-spec carries them. */
final class Addresses {
    /** ATYPE values of NETINFO (tor-spec §4.5) and RESOLVED/CONNECTED (tor-spec §6.2, §6.4). */
    static final int IPV4 = 4;
    static final int IPV6 = 6;

    private Addresses() {
    }

    /**
     * The address for 4 or 16 bytes. 16 bytes always give an {@link Inet6Address}, even for
     * IPv4-mapped addresses, so that re-encoding keeps the address type.
     */
    static InetAddress fromBytes(byte[] raw) {
        try {
            return raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + raw.length, e);
        }
    }

    static int type(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    static boolean isUnspecified(InetAddress address) {
        return address.isAnyLocalAddress();
    }

    /** ATYPE [1], ALEN [1], AVAL [ALEN]. */
    static void writeTyped(ByteBuf out, InetAddress address) {
        byte[] raw = address.getAddress();
        out.writeByte(type(address));
        out.writeByte(raw.length);
        out.writeBytes(raw);
    }

    static String text(InetAddress address) {
        return address == null ? "none" : address.getHostAddress();
    }
}
