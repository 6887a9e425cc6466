package org.veilswarm.swarm.engine;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.swarm.picker.AllowedFastSet;

/**
 * Which pieces to offer a peer as BEP 6 "allowed fast": the canonical set for an IPv4 peer (its /24 hashed
 * with the info-hash), and for other addresses (onion names, IPv6) the same generator over the address
 * text, since BEP 6 defines the set for IPv4 only.
 */
final class AllowedFastOffer {

    private AllowedFastOffer() {
    }

    static Set<Integer> pieces(TransportAddress peer, int pieceCount, HashValue infoHash20, int k) {
        byte[] ipv4 = ipv4(peer.host());
        return ipv4 != null
                ? AllowedFastSet.forIpv4(k, pieceCount, ipv4, infoHash20.bytes())
                : AllowedFastSet.generate(k, pieceCount, peer.host().getBytes(StandardCharsets.US_ASCII), infoHash20.bytes());
    }

    /** The four bytes of a dotted-quad IPv4 literal, or null for anything else. */
    static byte[] ipv4(String host) {
        String[] parts = host.split("\\.");
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
