package org.veilswarm.metainfo;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable digest: 32 bytes (SHA-256, BEP 52) or 20 bytes (SHA-1, BEP 3). */
public final class HashValue implements Comparable<HashValue> {

    public static final int SHA256_LENGTH = 32;
    public static final int SHA1_LENGTH = 20;

    private final byte[] bytes;

    private HashValue(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code bytes}, which must be 20 or 32 long. */
    public static HashValue of(byte[] bytes) {
        if (bytes.length != SHA256_LENGTH && bytes.length != SHA1_LENGTH) {
            throw new IllegalArgumentException("a hash is 20 or 32 bytes, not " + bytes.length);
        }
        return new HashValue(bytes.clone());
    }

    public static HashValue ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /**
     * The first 20 bytes: BEP 52 truncates a v2 info-hash to 20 bytes for the handshake, trackers and
     * the DHT. A 20-byte hash is returned unchanged.
     */
    public HashValue truncated() {
        return bytes.length == SHA1_LENGTH ? this : new HashValue(Arrays.copyOf(bytes, SHA1_LENGTH));
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    boolean contentEquals(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    @Override
    public int compareTo(HashValue o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashValue h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
