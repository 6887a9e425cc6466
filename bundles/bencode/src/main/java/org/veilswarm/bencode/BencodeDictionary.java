package org.veilswarm.bencode;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A bencoded dictionary ({@code d<key><value>...e}) with byte-string keys kept in raw byte order.
 *
 * <p>A dictionary that came out of {@link BencodeDecoder} also knows where each of its values was in
 * the input ({@link #valueSpan}, {@link #rawValue}): BEP 52 requires the info-hash to be computed over the
 * {@code info} dictionary exactly as found in the file, never over a re-encoding. Spans and
 * {@link #keysWereSorted()} are provenance, not content: they take no part in {@link #equals}.
 */
public final class BencodeDictionary implements BencodeValue {

    private static final BencodeDictionary EMPTY = new BencodeDictionary(new TreeMap<>(), Map.of(), null, true);

    private final SortedMap<BencodeString, BencodeValue> entries;
    private final Map<BencodeString, ByteSpan> spans;
    private final byte[] source;
    private final boolean keysWereSorted;

    BencodeDictionary(TreeMap<BencodeString, BencodeValue> entries, Map<BencodeString, ByteSpan> spans,
                      byte[] source, boolean keysWereSorted) {
        this.entries = Collections.unmodifiableSortedMap(entries);
        this.spans = spans;
        this.source = source;
        this.keysWereSorted = keysWereSorted;
    }

    public static BencodeDictionary empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The entries in raw byte order of their keys (unmodifiable). */
    public SortedMap<BencodeString, BencodeValue> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<BencodeValue> get(String key) {
        return get(BencodeString.of(key));
    }

    public Optional<BencodeValue> get(BencodeString key) {
        return Optional.ofNullable(entries.get(key));
    }

    public boolean containsKey(String key) {
        return entries.containsKey(BencodeString.of(key));
    }

    /** Where the value of {@code key} was in the decoder's input; empty for built dictionaries. */
    public Optional<ByteSpan> valueSpan(String key) {
        return Optional.ofNullable(spans.get(BencodeString.of(key)));
    }

    /**
     * The bytes of the value of {@code key} exactly as they were in the decoder's input, or empty when
     * the key is absent or the dictionary was built rather than decoded.
     */
    public Optional<byte[]> rawValue(String key) {
        ByteSpan span = spans.get(BencodeString.of(key));
        if (span == null || source == null) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(source, span.offset(), span.end()));
    }

    /**
     * False only when a lenient decoder accepted this dictionary with its keys out of raw byte order;
     * its canonical re-encoding then differs from the input.
     */
    public boolean keysWereSorted() {
        return keysWereSorted;
    }

    @Override
    public String typeName() {
        return "dictionary";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BencodeDictionary d && entries.equals(d.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    /** Builds a dictionary; a later {@code put} of the same key replaces the value. */
    public static final class Builder {
        private final TreeMap<BencodeString, BencodeValue> entries = new TreeMap<>();

        private Builder() {
        }

        public Builder put(String key, BencodeValue value) {
            return put(BencodeString.of(key), value);
        }

        public Builder put(BencodeString key, BencodeValue value) {
            entries.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder put(String key, long value) {
            return put(key, BencodeInteger.of(value));
        }

        public Builder put(String key, String utf8) {
            return put(key, BencodeString.of(utf8));
        }

        public Builder put(String key, byte[] bytes) {
            return put(key, BencodeString.of(bytes));
        }

        public BencodeDictionary build() {
            return new BencodeDictionary(new TreeMap<>(entries), Map.of(), null, true);
        }
    }
}
