package org.veilswarm.tracker.protocol;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.TransportAddress;

import io.netty.util.NetUtil;

/**
 * The compact peer forms: {@code peers} with 6-byte IPv4 entries (BEP 23), {@code peers6} with 18-byte IPv6
 * entries (BEP 7), and Veilswarm's {@code peers_onion} with 34-byte entries: the 32-byte Ed25519 public key
 * of the peer's onion service followed by the port, big-endian (as I2P's compact 32-byte form carries the
 * destination hash). Ports are always network byte order.
 */
public final class CompactPeers {
    public static final int IPV4_ENTRY = 6;
    public static final int IPV6_ENTRY = 18;
    public static final int ONION_ENTRY = OnionAddress.KEY_LENGTH + 2;

    /** The three compact strings of a peer list; peers named by DNS host are in none of them. */
    public record Encoded(byte[] ipv4, byte[] ipv6, byte[] onion) {
    }

    private CompactPeers() {
    }

    /** Sorts each address into its compact form. */
    public static Encoded encode(List<TransportAddress> peers) {
        // Sized for the common case (every peer IPv4) and filled in place: this runs for every announce, over
        // up to numwant peers, and was the largest part of answering one.
        byte[] v4 = new byte[IPV4_ENTRY * peers.size()];
        int v4Length = 0;
        ByteArrayOutputStream v6 = null;
        ByteArrayOutputStream onion = null;
        for (TransportAddress peer : peers) {
            if (putIpv4(peer.host(), v4, v4Length)) {
                v4[v4Length + 4] = (byte) (peer.port() >> 8);
                v4[v4Length + 5] = (byte) peer.port();
                v4Length += IPV4_ENTRY;
                continue;
            }
            if (peer.isOnion()) {
                onion = onion == null ? new ByteArrayOutputStream() : onion;
                onion.writeBytes(peer.onion().orElseThrow().publicKey());
                writePort(onion, peer.port());
                continue;
            }
            Optional<InetAddress> ip = ipLiteral(peer.host());
            if (ip.isPresent() && ip.get() instanceof Inet4Address mapped) {
                // An IPv4-mapped IPv6 literal (::ffff:a.b.c.d) is an IPv4 peer.
                System.arraycopy(mapped.getAddress(), 0, v4, v4Length, 4);
                v4[v4Length + 4] = (byte) (peer.port() >> 8);
                v4[v4Length + 5] = (byte) peer.port();
                v4Length += IPV4_ENTRY;
            } else if (ip.isPresent()) {
                v6 = v6 == null ? new ByteArrayOutputStream() : v6;
                v6.writeBytes(ip.get().getAddress());
                writePort(v6, peer.port());
            }
        }
        return new Encoded(v4Length == v4.length ? v4 : java.util.Arrays.copyOf(v4, v4Length),
                v6 == null ? new byte[0] : v6.toByteArray(), onion == null ? new byte[0] : onion.toByteArray());
    }

    /** Decodes {@code peers} (IPv4). */
    public static List<TransportAddress> decodeIpv4(byte[] data) throws TrackerResponseException {
        return decodeIp(data, 4, "peers");
    }

    /** Decodes {@code peers6} (IPv6). */
    public static List<TransportAddress> decodeIpv6(byte[] data) throws TrackerResponseException {
        return decodeIp(data, 16, "peers6");
    }

    /** Decodes {@code peers_onion}. */
    public static List<TransportAddress> decodeOnion(byte[] data) throws TrackerResponseException {
        checkLength(data, ONION_ENTRY, "peers_onion");
        List<TransportAddress> out = new ArrayList<>(data.length / ONION_ENTRY);
        for (int i = 0; i < data.length; i += ONION_ENTRY) {
            byte[] key = java.util.Arrays.copyOfRange(data, i, i + OnionAddress.KEY_LENGTH);
            int port = port(data, i + OnionAddress.KEY_LENGTH);
            if (port != 0) {
                out.add(TransportAddress.of(OnionAddress.fromPublicKey(key), port));
            }
        }
        return out;
    }

    /**
     * The address if {@code host} is an IPv4 or IPv6 literal; never a DNS lookup (an IPv4-mapped IPv6
     * literal comes back as IPv4, as Java parses it).
     */
    public static Optional<InetAddress> ipLiteral(String host) {
        byte[] v4 = ipv4Literal(host);
        if (v4 != null) {
            try {
                return Optional.of(InetAddress.getByAddress(v4));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 bytes are an address", e);
            }
        }
        if (host.indexOf(':') < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return Optional.empty();
            }
        }
        try {
            // An IPv6 literal (it has a colon): InetAddress parses it without asking a resolver.
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The 4 bytes of a dotted-quad IPv4 literal (each part 0-255, 1-3 digits), or null. */
    static byte[] ipv4Literal(String host) {
        byte[] out = new byte[4];
        return putIpv4(host, out, 0) ? out : null;
    }

    /** Writes the 4 bytes of a dotted-quad IPv4 literal at {@code out[at]}; false (out untouched) if it is none. */
    private static boolean putIpv4(String host, byte[] out, int at) {
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
        out[at] = (byte) (packed >>> 24);
        out[at + 1] = (byte) (packed >>> 16);
        out[at + 2] = (byte) (packed >>> 8);
        out[at + 3] = (byte) packed;
        return true;
    }

    private static List<TransportAddress> decodeIp(byte[] data, int addressLength, String what)
            throws TrackerResponseException {
        int entry = addressLength + 2;
        checkLength(data, entry, what);
        List<TransportAddress> out = new ArrayList<>(data.length / entry);
        for (int i = 0; i < data.length; i += entry) {
            int port = port(data, i + addressLength);
            if (port == 0) {
                continue;
            }
            try {
                InetAddress ip = InetAddress.getByAddress(java.util.Arrays.copyOfRange(data, i, i + addressLength));
                out.add(new TransportAddress(NetUtil.toAddressString(ip), port));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are always an address", e);
            }
        }
        return out;
    }

    private static void checkLength(byte[] data, int entry, String what) throws TrackerResponseException {
        if (data.length % entry != 0) {
            throw new TrackerResponseException(what + " is " + data.length + " bytes, not a multiple of " + entry);
        }
    }

    private static int port(byte[] data, int offset) {
        return (data[offset] & 0xff) << 8 | (data[offset + 1] & 0xff);
    }

    private static void writePort(ByteArrayOutputStream out, int port) {
        out.write(port >> 8);
        out.write(port);
    }
}
