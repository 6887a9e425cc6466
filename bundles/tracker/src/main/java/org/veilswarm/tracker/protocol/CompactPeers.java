package org.veilswarm.tracker.protocol;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.CompactPeer;
import org.veilswarm.api.transport.TransportAddress;

import io.netty.util.NetUtil;

/**
 * The compact peer forms: {@code peers} with 6-byte IPv4 entries (BEP 23), {@code peers6} with 18-byte IPv6
 * entries (BEP 7), and Veilswarm's {@code peers_onion} with 34-byte entries: the 32-byte Ed25519 public key
 * of the peer's onion service followed by the port, big-endian (as I2P's compact 32-byte form carries the
 * destination hash). Ports are always network byte order.
 */
public final class CompactPeers {
    public static final int IPV4_ENTRY = CompactPeer.IPV4;
    public static final int IPV6_ENTRY = CompactPeer.IPV6;
    public static final int ONION_ENTRY = CompactPeer.ONION;

    /** The three compact strings of a peer list; peers named by DNS host are in none of them. */
    public record Encoded(byte[] ipv4, byte[] ipv6, byte[] onion) {
    }

    private CompactPeers() {
    }

    /**
     * Sorts each address into its compact form, as the api's {@link CompactPeer#of} computes it (the one parser of
     * host text into entries, shared with the stores); peers named by a DNS host have none and are left out.
     */
    public static Encoded encode(List<TransportAddress> peers) {
        // Sized for the common case (every peer IPv4) and filled in place.
        byte[] v4 = new byte[IPV4_ENTRY * peers.size()];
        int v4Length = 0;
        ByteArrayOutputStream v6 = null;
        ByteArrayOutputStream onion = null;
        for (TransportAddress peer : peers) {
            byte[] entry = CompactPeer.of(peer);
            switch (entry.length) {
                case CompactPeer.IPV4 -> {
                    System.arraycopy(entry, 0, v4, v4Length, IPV4_ENTRY);
                    v4Length += IPV4_ENTRY;
                }
                case CompactPeer.IPV6 -> {
                    v6 = v6 == null ? new ByteArrayOutputStream() : v6;
                    v6.writeBytes(entry);
                }
                case CompactPeer.ONION -> {
                    onion = onion == null ? new ByteArrayOutputStream() : onion;
                    onion.writeBytes(entry);
                }
                default -> {
                    // a DNS host: no compact form
                }
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
}
