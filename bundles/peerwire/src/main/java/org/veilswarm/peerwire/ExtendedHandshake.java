package org.veilswarm.peerwire;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * BEP 10 extension handshake (extended id 0): a bencoded dictionary. The keys this codec reads are
 * {@code m} (extension name to the id the sender wants to receive it under; 0 disables), {@code v}
 * (client name), {@code reqq} (outstanding requests the sender allows) and BEP 9 {@code metadata_size};
 * all others are kept in {@link #dictionary()} and re-encoded unchanged.
 */
public final class ExtendedHandshake implements PeerMessage {

    /** BEP 9 extension name. */
    public static final String UT_METADATA = "ut_metadata";

    private final BencodeDictionary dictionary;

    private ExtendedHandshake(BencodeDictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** Validates the known keys of a received dictionary. */
    public static ExtendedHandshake of(BencodeDictionary dictionary) throws PeerWireException {
        ExtendedHandshake handshake = new ExtendedHandshake(dictionary);
        handshake.extensions();
        handshake.requestQueue();
        handshake.metadataSize();
        handshake.client();
        return handshake;
    }

    public static Builder builder() {
        return new Builder();
    }

    public BencodeDictionary dictionary() {
        return dictionary;
    }

    /** The {@code m} dictionary: extension name to id, ids 1..255 only (0 means "disabled", BEP 10). */
    public Map<String, Integer> extensions() throws PeerWireException {
        Optional<BencodeValue> m = dictionary.get("m");
        if (m.isEmpty()) {
            return Map.of();
        }
        if (!(m.get() instanceof BencodeDictionary entries)) {
            throw new PeerWireException("extension handshake: m is a " + m.get().typeName() + ", not a dictionary");
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Map.Entry<BencodeString, BencodeValue> e : entries.entries().entrySet()) {
            if (!(e.getValue() instanceof BencodeInteger id) || id.value() < 0 || id.value() > 255) {
                throw new PeerWireException("extension handshake: id of " + e.getKey() + " is not an integer 0..255");
            }
            if (id.value() != 0) {
                ids.put(e.getKey().utf8Lossy(), (int) id.value());
            }
        }
        return ids;
    }

    /** The id under which the sender wants to receive {@code name}, if it supports it. */
    public OptionalInt extensionId(String name) throws PeerWireException {
        Integer id = extensions().get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** {@code v}: the client's name and version, for display only. */
    public Optional<String> client() throws PeerWireException {
        Optional<BencodeValue> v = dictionary.get("v");
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof BencodeString s)) {
            throw new PeerWireException("extension handshake: v is not a string");
        }
        return Optional.of(s.utf8Lossy());
    }

    /** {@code reqq}: how many outstanding requests the sender accepts. */
    public OptionalInt requestQueue() throws PeerWireException {
        Optional<BencodeValue> reqq = dictionary.get("reqq");
        if (reqq.isEmpty()) {
            return OptionalInt.empty();
        }
        if (!(reqq.get() instanceof BencodeInteger i) || i.value() < 1 || i.value() > Integer.MAX_VALUE) {
            throw new PeerWireException("extension handshake: reqq is not a positive integer");
        }
        return OptionalInt.of((int) i.value());
    }

    /** BEP 9 {@code metadata_size}: the info dictionary's length in bytes. */
    public OptionalLong metadataSize() throws PeerWireException {
        Optional<BencodeValue> size = dictionary.get("metadata_size");
        if (size.isEmpty()) {
            return OptionalLong.empty();
        }
        if (!(size.get() instanceof BencodeInteger i) || i.value() < 1) {
            throw new PeerWireException("extension handshake: metadata_size is not a positive integer");
        }
        return OptionalLong.of(i.value());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtendedHandshake h && dictionary.equals(h.dictionary);
    }

    @Override
    public int hashCode() {
        return dictionary.hashCode();
    }

    @Override
    public String toString() {
        return "ExtendedHandshake" + dictionary;
    }

    /** Builds the handshake Veilswarm sends. */
    public static final class Builder {
        private final BencodeDictionary.Builder m = BencodeDictionary.builder();
        private final BencodeDictionary.Builder top = BencodeDictionary.builder();

        private Builder() {
        }

        public Builder extension(String name, int id) {
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("extended id must be 0..255: " + id);
            }
            m.put(name, id);
            return this;
        }

        public Builder client(String v) {
            top.put("v", v);
            return this;
        }

        public Builder requestQueue(int reqq) {
            top.put("reqq", reqq);
            return this;
        }

        public Builder metadataSize(long size) {
            top.put("metadata_size", size);
            return this;
        }

        public ExtendedHandshake build() {
            return new ExtendedHandshake(top.put("m", m.build()).build());
        }
    }
}
