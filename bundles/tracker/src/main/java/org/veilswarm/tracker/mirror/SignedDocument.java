package org.veilswarm.tracker.mirror;

import java.nio.charset.StandardCharsets;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;

/**
 * The envelope of every mirroring answer: {@code d4:data<document>9:signature64:<Ed25519 signature>e}. The
 * signature (RFC 8032, by the source's identity key) covers a context string naming the kind of document,
 * then the document bytes exactly as sent, so a mirror verifies before it parses anything inside, and a
 * signature made for one kind of document (or for anything else the node key signs: descriptors, trust
 * lists) can never pass for another.
 */
public final class SignedDocument {
    /** Ed25519 signatures are 64 bytes (RFC 8032 §5.1.6). */
    static final int SIGNATURE_LENGTH = 64;

    /** What a signed document is; its context string separates the signature domains. */
    public enum Kind {
        SNAPSHOT("veilswarm tracker-mirror snapshot v1"),
        CHANGES("veilswarm tracker-mirror changes v1"),
        /** A node's list of its public share tokens ({@link PublicIndex}). */
        INDEX("veilswarm tracker-mirror index v1");

        private final byte[] context;

        Kind(String context) {
            // The NUL ends the context so that no context is a prefix of another context followed by data.
            this.context = (context + '\0').getBytes(StandardCharsets.US_ASCII);
        }

        byte[] message(byte[] document) {
            byte[] message = new byte[context.length + document.length];
            System.arraycopy(context, 0, message, 0, context.length);
            System.arraycopy(document, 0, message, context.length, document.length);
            return message;
        }
    }

    private SignedDocument() {
    }

    /** Signs {@code document} as {@code kind} with the node's identity key and wraps both. */
    public static byte[] sign(Kind kind, byte[] document, NodeIdentity signer) {
        byte[] signature = signer.sign(kind.message(document));
        return BencodeEncoder.encode(BencodeDictionary.builder().put("data", document)
                .put("signature", signature).build());
    }

    /**
     * Unwraps an envelope and returns the document if its signature by {@code publicKey} is valid.
     *
     * @param maxBytes the largest envelope accepted
     * @throws MirrorException naming the problem: size, envelope syntax, or a signature that does not verify
     */
    public static byte[] open(Kind kind, byte[] envelope, byte[] publicKey, NodeIdentity verifier, int maxBytes)
            throws MirrorException {
        if (envelope.length > maxBytes) {
            throw new MirrorException("signed " + name(kind) + " of " + envelope.length + " bytes exceeds the limit of "
                    + maxBytes);
        }
        BencodeDictionary outer;
        try {
            // A dictionary of two strings: depth 2 and five elements (keys included) are all an envelope needs.
            outer = BencodeDecoder.strict()
                    .withLimits(new BencodeLimits(maxBytes, 2, maxBytes, 5)).decodeDictionary(envelope);
        } catch (BencodeException | ClassCastException e) {
            throw new MirrorException("malformed signed " + name(kind) + ": " + e.getMessage(), e);
        }
        if (outer.size() != 2) {
            throw new MirrorException("malformed signed " + name(kind) + ": expected exactly data and signature");
        }
        byte[] document = string(outer, "data", kind);
        byte[] signature = string(outer, "signature", kind);
        if (signature.length != SIGNATURE_LENGTH) {
            throw new MirrorException("malformed signed " + name(kind) + ": signature of " + signature.length
                    + " bytes, Ed25519 signatures have 64");
        }
        if (!verifier.verify(publicKey, kind.message(document), signature)) {
            throw new MirrorException("bad signature on " + name(kind)
                    + ": not signed by the key of the source's onion address");
        }
        return document;
    }

    private static byte[] string(BencodeDictionary dictionary, String key, Kind kind) throws MirrorException {
        BencodeValue value = dictionary.get(key).orElseThrow(() -> new MirrorException("malformed signed "
                + name(kind) + ": no " + key));
        if (!(value instanceof BencodeString s)) {
            throw new MirrorException("malformed signed " + name(kind) + ": " + key + " is a " + value.typeName());
        }
        return s.bytes();
    }

    private static String name(Kind kind) {
        return switch (kind) {
            case SNAPSHOT -> "snapshot";
            case CHANGES -> "change batch";
            case INDEX -> "public index";
        };
    }
}
