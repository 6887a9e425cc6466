package org.veilswarm.metainfo;

import java.util.Optional;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/** Typed access to dictionary fields, with errors naming the field ({@code info.piece length}). */
final class Fields {

    private Fields() {
    }

    static BencodeValue require(BencodeDictionary d, String key, String where) throws MetainfoException {
        return d.get(key).orElseThrow(() -> new MetainfoException(where + key + ": missing"));
    }

    static <T extends BencodeValue> T as(BencodeValue value, Class<T> type, String field) throws MetainfoException {
        if (!type.isInstance(value)) {
            throw new MetainfoException(field + ": expected " + article(type) + ", found " + article(value.typeName()));
        }
        return type.cast(value);
    }

    static <T extends BencodeValue> T required(BencodeDictionary d, String key, Class<T> type, String where)
            throws MetainfoException {
        return as(require(d, key, where), type, where + key);
    }

    static <T extends BencodeValue> Optional<T> optional(BencodeDictionary d, String key, Class<T> type, String where)
            throws MetainfoException {
        Optional<BencodeValue> v = d.get(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(as(v.get(), type, where + key));
    }

    static long requiredLong(BencodeDictionary d, String key, String where) throws MetainfoException {
        return required(d, key, BencodeInteger.class, where).value();
    }

    static String utf8(BencodeString s, String field) throws MetainfoException {
        return s.utf8().orElseThrow(() -> new MetainfoException(field + ": not valid UTF-8"));
    }

    static Optional<String> optionalUtf8(BencodeDictionary d, String key, String where) throws MetainfoException {
        Optional<BencodeString> s = optional(d, key, BencodeString.class, where);
        return s.isEmpty() ? Optional.empty() : Optional.of(utf8(s.get(), where + key));
    }

    static BencodeList list(BencodeValue v, String field) throws MetainfoException {
        return as(v, BencodeList.class, field);
    }

    private static String article(Class<?> type) {
        if (type == BencodeInteger.class) {
            return article("integer");
        } else if (type == BencodeString.class) {
            return article("string");
        } else if (type == BencodeList.class) {
            return article("list");
        }
        return article("dictionary");
    }

    private static String article(String typeName) {
        return (typeName.startsWith("i") ? "an " : "a ") + typeName;
    }
}
