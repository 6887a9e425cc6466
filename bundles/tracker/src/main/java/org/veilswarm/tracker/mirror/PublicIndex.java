package org.veilswarm.tracker.mirror;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;
import org.veilswarm.tracker.protocol.ShareTokens;

/**
 * The signed list of a node's public share tokens, {@code GET /public/mirror/index?nonce=<32 hex>}, with which
 * a node mirrors every public share of another node knowing only its address. Document (canonical bencoding):
 * {@code d5:nonce16:<the request's nonce>6:tokensl<token>...ee}, tokens sorted and distinct, signed as
 * {@link SignedDocument.Kind#INDEX}. The path cannot collide with a share's: {@code mirror} is too short to
 * be a token.
 */
public final class PublicIndex {
    /** The index's path, without the query. */
    public static final String PATH = "/public/" + MirrorSource.SEGMENT + "/index";

    private PublicIndex() {
    }

    /** Whether {@code target} asks for the public index. */
    public static boolean isIndexPath(String target) {
        int question = target.indexOf('?');
        return (question < 0 ? target : target.substring(0, question)).equals(PATH);
    }

    static byte[] encode(Collection<String> tokens, byte[] nonce) {
        List<BencodeValue> list = new ArrayList<>();
        new TreeSet<>(tokens).forEach(t -> list.add(BencodeString.of(t)));
        return BencodeEncoder.encode(BencodeDictionary.builder().put("nonce", nonce)
                .put("tokens", new BencodeList(list)).build());
    }

    /**
     * Decodes a verified index that must answer the request with {@code nonce}.
     *
     * @throws MirrorException if the document is malformed, answers another request or lists more than
     *                         {@code maxTokens}
     */
    static SortedSet<String> decode(byte[] document, byte[] nonce, int maxTokens) throws MirrorException {
        BencodeDictionary top;
        try {
            top = BencodeDecoder.strict().withLimits(new BencodeLimits(document.length, 2, 128,
                    2 * maxTokens + 8)).decodeDictionary(document);
        } catch (BencodeException | ClassCastException e) {
            throw new MirrorException("malformed public index: " + e.getMessage(), e);
        }
        if (top.size() != 2 || !(top.get("nonce").orElse(null) instanceof BencodeString n)
                || !(top.get("tokens").orElse(null) instanceof BencodeList tokens)) {
            throw new MirrorException("malformed public index: expected exactly nonce and tokens");
        }
        if (!Arrays.equals(n.bytes(), nonce)) {
            throw new MirrorException("public index answers another request (nonce mismatch: replayed?)");
        }
        if (tokens.size() > maxTokens) {
            throw new MirrorException("public index lists " + tokens.size() + " shares, more than " + maxTokens);
        }
        SortedSet<String> result = new TreeSet<>();
        String previous = null;
        for (BencodeValue v : tokens.values()) {
            String token = v instanceof BencodeString s ? s.utf8().orElse("") : "";
            if (!ShareTokens.isWellFormed(token)) {
                throw new MirrorException("malformed public index: an entry is not a share token");
            }
            if (previous != null && previous.compareTo(token) >= 0) {
                throw new MirrorException("malformed public index: tokens not sorted and distinct");
            }
            previous = token;
            result.add(token);
        }
        return result;
    }
}
