package org.veilswarm.bencode;

import java.util.List;

/** A bencoded list ({@code l<values>e}); the list is immutable. */
public record BencodeList(List<BencodeValue> values) implements BencodeValue {

    public BencodeList {
        values = List.copyOf(values);
    }

    public static BencodeList of(BencodeValue... values) {
        return new BencodeList(List.of(values));
    }

    public int size() {
        return values.size();
    }

    public BencodeValue get(int index) {
        return values.get(index);
    }

    @Override
    public String typeName() {
        return "list";
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
