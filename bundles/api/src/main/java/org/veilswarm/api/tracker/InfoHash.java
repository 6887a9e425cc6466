package org.veilswarm.api.tracker;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A torrent's info-hash: 20 bytes (BEP 3, SHA-1 of the v1 info dictionary) or 32 bytes (BEP 52, SHA-256 of
 * the v2 info dictionary). BEP 52 peers and trackers use the v2 hash truncated to 20 bytes on the wire;
 * {@link #truncated()} gives that form.
 */
public final class InfoHash implements Comparable<InfoHash> {
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] bytes;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** An info-hash of 20 (v1) or 32 (v2) bytes. */
    public static InfoHash of(byte[] bytes) {
        if (bytes == null || (bytes.length != 20 && bytes.length != 32)) {
            throw new IllegalArgumentException("an info-hash is 20 (v1) or 32 (v2) bytes, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        return new InfoHash(bytes.clone());
    }

    /** Parses 40 or 64 hexadecimal digits. */
    public static InfoHash ofHex(String hex) {
        if (hex == null || (hex.length() != 40 && hex.length() != 64)) {
            throw new IllegalArgumentException("an info-hash is 40 or 64 hex digits");
        }
        try {
            return new InfoHash(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("info-hash is not hexadecimal: " + hex, e);
        }
    }

    /** Whether this is a v2 (SHA-256, 32-byte) hash. */
    public boolean isV2() {
        return bytes.length == 32;
    }

    /** The 20-byte form used on the wire: the v1 hash itself, or the v2 hash truncated (BEP 52). */
    public InfoHash truncated() {
        return isV2() ? new InfoHash(Arrays.copyOf(bytes, 20)) : this;
    }

    /** A copy of the hash bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case hexadecimal. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public int compareTo(InfoHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash h && Arrays.equals(bytes, h.bytes);
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
