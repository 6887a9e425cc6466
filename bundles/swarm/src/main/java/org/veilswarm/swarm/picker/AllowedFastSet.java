package org.veilswarm.swarm.picker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The canonical BEP 6 allowed-fast set: pieces a choked peer may still request. The algorithm hashes
 * the peer's address (IPv4 masked to its /24) with the info-hash and takes successive 32-bit words
 * modulo the piece count.
 */
public final class AllowedFastSet {

    private AllowedFastSet() {
    }

    /** BEP 6 "Allowed Fast", for an IPv4 peer. */
    public static Set<Integer> forIpv4(int k, int pieceCount, byte[] ipv4, byte[] infoHash) {
        if (ipv4.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + ipv4.length);
        }
        byte[] masked = ipv4.clone();
        masked[3] = 0; // 0xFFFFFF00 & ip: one set per /24, so a peer cannot farm sets from one network
        return generate(k, pieceCount, masked, infoHash);
    }

    /**
     * The same generator over arbitrary address bytes (e.g. an onion service key, which has no
     * network prefix to mask).
     */
    public static Set<Integer> generate(int k, int pieceCount, byte[] address, byte[] infoHash) {
        if (k < 0 || pieceCount <= 0) {
            throw new IllegalArgumentException("k " + k + ", piece count " + pieceCount);
        }
        int wanted = Math.min(k, pieceCount);
        Set<Integer> set = new LinkedHashSet<>();
        byte[] x = new byte[address.length + infoHash.length];
        System.arraycopy(address, 0, x, 0, address.length);
        System.arraycopy(infoHash, 0, x, address.length, infoHash.length);
        MessageDigest sha1 = sha1();
        while (set.size() < wanted) {
            x = sha1.digest(x);
            for (int i = 0; i < 5 && set.size() < wanted; i++) {
                int j = i * 4;
                long y = ((x[j] & 0xffL) << 24) | ((x[j + 1] & 0xffL) << 16) | ((x[j + 2] & 0xffL) << 8)
                        | (x[j + 3] & 0xffL);
                set.add((int) (y % pieceCount));
            }
        }
        return set;
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
