package org.veilswarm.bencode;

/**
 * A bencoded integer ({@code i<digits>e}). BEP 3 puts no bound on integers; this implementation
 * limits them to 64 bits, which covers every field of the BitTorrent specifications.
 */
public record BencodeInteger(long value) implements BencodeValue {

    public static BencodeInteger of(long value) {
        return new BencodeInteger(value);
    }

    @Override
    public String typeName() {
        return "integer";
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
