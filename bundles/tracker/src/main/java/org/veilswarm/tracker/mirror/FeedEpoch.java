package org.veilswarm.tracker.mirror;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Names one unbroken history of a source's change feed: 16 random bytes drawn when the source starts to
 * follow its store, and again whenever that store's sequence goes backwards or loses changes. A sequence
 * number means something only together with its epoch; a mirror whose epoch is not the source's takes a new
 * snapshot instead of splicing two histories.
 */
public final class FeedEpoch {
    static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] bytes;

    private FeedEpoch(byte[] bytes) {
        this.bytes = bytes;
    }

    static FeedEpoch random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new FeedEpoch(b);
    }

    /** The epoch with these 16 bytes. */
    public static FeedEpoch of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a feed epoch is " + LENGTH + " bytes");
        }
        return new FeedEpoch(bytes.clone());
    }

    /** Parses 32 lower- or upper-case hexadecimal digits. */
    public static FeedEpoch ofHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a feed epoch is " + 2 * LENGTH + " hexadecimal digits");
        }
        return new FeedEpoch(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeedEpoch e && Arrays.equals(bytes, e.bytes);
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
