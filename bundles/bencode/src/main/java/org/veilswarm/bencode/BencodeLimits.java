package org.veilswarm.bencode;

/**
 * Bounds the work and memory a decoder spends on untrusted input.
 *
 * @param maxInputBytes  largest input accepted at all
 * @param maxDepth       deepest nesting of lists and dictionaries (the top-level value is depth 1)
 * @param maxStringBytes longest single byte string
 * @param maxElements    most values (integers, strings, lists, dictionaries; keys included) in one input
 */
public record BencodeLimits(int maxInputBytes, int maxDepth, int maxStringBytes, int maxElements) {

    /**
     * Generous for metainfo files (a 1 TiB file with 16 MiB pieces has 2 MiB of piece layers) while
     * keeping a hostile input from costing more than a few hundred MiB of heap.
     */
    public static final BencodeLimits DEFAULT = new BencodeLimits(32 << 20, 64, 32 << 20, 1_000_000);

    public BencodeLimits {
        if (maxInputBytes < 1 || maxDepth < 1 || maxStringBytes < 0 || maxElements < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxInputBytes + ", " + maxDepth
                    + ", " + maxStringBytes + ", " + maxElements);
        }
    }

    public BencodeLimits withMaxInputBytes(int value) {
        return new BencodeLimits(value, maxDepth, maxStringBytes, maxElements);
    }

    public BencodeLimits withMaxDepth(int value) {
        return new BencodeLimits(maxInputBytes, value, maxStringBytes, maxElements);
    }

    public BencodeLimits withMaxStringBytes(int value) {
        return new BencodeLimits(maxInputBytes, maxDepth, value, maxElements);
    }

    public BencodeLimits withMaxElements(int value) {
        return new BencodeLimits(maxInputBytes, maxDepth, maxStringBytes, value);
    }
}
