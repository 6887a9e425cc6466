package org.veilswarm.metainfo;

import java.util.Map;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/** Edits decoded torrents for negative tests: copies with one value replaced or removed. */
final class Dicts {

    private Dicts() {
    }

    static BencodeDictionary decode(byte[] torrent) {
        try {
            return BencodeDecoder.strict().decodeDictionary(torrent);
        } catch (BencodeException e) {
            throw new AssertionError(e);
        }
    }

    static BencodeDictionary dict(BencodeDictionary d, String key) {
        return (BencodeDictionary) d.get(key).orElseThrow();
    }

    /** A copy of {@code d} with {@code key} set to {@code value}, or removed when value is null. */
    static BencodeDictionary with(BencodeDictionary d, String key, BencodeValue value) {
        BencodeDictionary.Builder b = BencodeDictionary.builder();
        for (Map.Entry<BencodeString, BencodeValue> e : d.entries().entrySet()) {
            if (!e.getKey().equals(BencodeString.of(key))) {
                b.put(e.getKey(), e.getValue());
            }
        }
        if (value != null) {
            b.put(key, value);
        }
        return b.build();
    }

    /** A copy of the torrent with {@code info.<key>} replaced (null removes it). */
    static BencodeDictionary withInfo(BencodeDictionary torrent, String key, BencodeValue value) {
        return with(torrent, "info", with(dict(torrent, "info"), key, value));
    }

    static byte[] encode(BencodeValue v) {
        return BencodeEncoder.encode(v);
    }
}
