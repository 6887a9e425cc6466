package org.veilswarm.api.tracker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A peer's address as one entry of a compact peer list: 6 bytes (IPv4 address and port, BEP 23, in
 * {@code peers}), 18 bytes (IPv6 address and port, BEP 7, in {@code peers6}) or 34 bytes (the 32-byte Ed25519
 * public key of the peer's onion service and the port, Veilswarm's {@code peers_onion},
 * docs/protocols/tracker.md). Ports are big-endian. An IPv4-mapped IPv6 literal is an IPv4 entry.
 *
 * <p>Stores compute the entry once, when a peer announces, and keep it, so that answering an announce copies
 * bytes instead of parsing each listed peer's host text again (that parsing was the largest part of an
 * announce's cost).
 */
public final class CompactPeer {
    /** Length of an IPv4 entry. */
    public static final int IPV4 = 6;
    /** Length of an IPv6 entry. */
    public static final int IPV6 = 18;
    /** Length of an onion entry. */
    public static final int ONION = OnionAddress.KEY_LENGTH + 2;
    private static final byte[] NONE = new byte[0];

    private CompactPeer() {
    }

    /**
     * The entry of {@code address}: {@link #IPV4}, {@link #IPV6} or {@link #ONION} bytes long, or empty for a
     * peer named by a DNS host, which has no compact form. Never a DNS lookup.
     */
    public static byte[] of(TransportAddress address) {
        Objects.requireNonNull(address, "address");
        String host = address.host();
        int port = address.port();
        byte[] v4 = new byte[IPV4];
        if (putIpv4(host, v4)) {
            return withPort(v4, port);
        }
        if (address.isOnion()) {
            byte[] out = new byte[ONION];
            System.arraycopy(address.onion().orElseThrow().publicKey(), 0, out, 0, OnionAddress.KEY_LENGTH);
            return withPort(out, port);
        }
        byte[] ip = ipv6Literal(host);
        if (ip == null) {
            return NONE;
        }
        if (ip.length == 4) {
            System.arraycopy(ip, 0, v4, 0, 4); // an IPv4-mapped IPv6 literal, as Java parses it
            return withPort(v4, port);
        }
        byte[] out = new byte[IPV6];
        System.arraycopy(ip, 0, out, 0, 16);
        return withPort(out, port);
    }

    private static byte[] withPort(byte[] entry, int port) {
        entry[entry.length - 2] = (byte) (port >> 8);
        entry[entry.length - 1] = (byte) port;
        return entry;
    }

    /** The raw address of an IPv6 literal (4 bytes if it is IPv4-mapped), or null if {@code host} is none. */
    private static byte[] ipv6Literal(String host) {
        if (host.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            // Only hex digits, colons and dots: InetAddress parses the literal without asking a resolver.
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Writes the 4 bytes of a dotted-quad IPv4 literal (each part 0-255, 1-3 digits); false if it is none. */
    private static boolean putIpv4(String host, byte[] out) {
        if (host.length() < 7 || host.length() > 15) {
            return false;
        }
        int packed = 0;
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && part < 4) {
                packed = packed << 8 | value;
                part++;
                value = 0;
                digits = 0;
            } else {
                return false;
            }
        }
        if (part != 4) {
            return false;
        }
        out[0] = (byte) (packed >>> 24);
        out[1] = (byte) (packed >>> 16);
        out[2] = (byte) (packed >>> 8);
        out[3] = (byte) packed;
        return true;
    }
}
