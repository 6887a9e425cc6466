package org.veilswarm.bencode;

/**
 * One bencoded value. Values are immutable and compare by content: two values are equal when they
 * encode to the same canonical bytes.
 */
public sealed interface BencodeValue permits BencodeInteger, BencodeString, BencodeList, BencodeDictionary {

    /** A short name of the type for error messages: "integer", "string", "list" or "dictionary". */
    String typeName();
}
