package org.veilswarm.share.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeInteger;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * Reads a share's tracker record from its source: one mirroring snapshot ({@code GET <prefix>mirror/snapshot},
 * docs/protocols/tracker-mirroring.md "Snapshot"), which names each torrent by its full v2 info-hash when the
 * source has a record for it. A share link carries only the token; announces and scrapes use the 20-byte
 * truncated hash, and BEP 9 needs all 32 bytes to check the metadata, so this is how a downloader learns what to
 * fetch.
 *
 * <p>Only what a download needs is read (hash, record name and size, peer addresses) after checking the
 * document's nonce and scope; the tracker bundle's full decoder is not exported. For an onion link the
 * signature is checked against the key in the onion address ("Signed documents"). A direct link names no key:
 * the envelope is opened without a signature check (the direct transport authenticates nothing anyway, and the
 * metadata is still checked against the hash read here).
 */
final class SourceSnapshot {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] SCOPE_CONTEXT = "veilswarm tracker-mirror scope v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_CONTEXT =
            "veilswarm tracker-mirror snapshot v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BYTES = TrackerClient.MAX_RESPONSE_BYTES;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One torrent of the share as the source lists it. */
    record Torrent(InfoHash infoHash, Optional<String> name, long size, List<TransportAddress> peers) {
    }

    private SourceSnapshot() {
    }

    static CompletableFuture<List<Torrent>> fetch(Transport transport, ShareLink link, Optional<NodeIdentity> verifier) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String prefix = ShareService.prefix(link.visibility(), link.token());
        TrackerUrl url = new TrackerUrl(link.tracker(), prefix + "mirror/snapshot");
        return new TrackerClient(transport::connect, TIMEOUT).get(url, "nonce=" + HexFormat.of().formatHex(nonce))
                .thenApply(envelope -> {
                    try {
                        return decode(open(envelope, link, verifier), nonce, scope(prefix));
                    } catch (BencodeException | RuntimeException e) {
                        throw new CompletionException(new ShareException("the source's share record is malformed: "
                                + e.getMessage(), e));
                    }
                }).exceptionallyCompose(SourceSnapshot::explained);
    }

    /**
     * A 404 in plain words: the source's tracker answers every unknown token alike (issue 7), so a revoked or removed
     * share and a mistyped link look the same from here. The message names neither the URL nor its token.
     */
    private static CompletableFuture<List<Torrent>> explained(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof org.veilswarm.tracker.protocol.TrackerResponseException t
                && t.httpStatus().equals(java.util.OptionalInt.of(404))) {
            // Still a tracker's answer, not a ShareException: nothing to wait for (DownloadService fails at once).
            return CompletableFuture.failedFuture(new org.veilswarm.tracker.protocol.TrackerResponseException(
                    "the source has no share under this link: it was revoked or removed, or the link is mistyped "
                            + "(HTTP 404)", 404));
        }
        return CompletableFuture.failedFuture(failure);
    }

    private static byte[] open(byte[] envelope, ShareLink link, Optional<NodeIdentity> verifier)
            throws BencodeException {
        BencodeDictionary outer = BencodeDecoder.strict().withLimits(new BencodeLimits(MAX_BYTES, 2, MAX_BYTES, 5))
                .decodeDictionary(envelope);
        byte[] data = bytes(outer, "data");
        byte[] signature = bytes(outer, "signature");
        if (link.isOnion() && verifier.isPresent()) {
            byte[] message = new byte[SIGNATURE_CONTEXT.length + data.length];
            System.arraycopy(SIGNATURE_CONTEXT, 0, message, 0, SIGNATURE_CONTEXT.length);
            System.arraycopy(data, 0, message, SIGNATURE_CONTEXT.length, data.length);
            byte[] key = link.tracker().onion().orElseThrow().publicKey();
            if (!verifier.get().verify(key, message, signature)) {
                throw new IllegalArgumentException("bad signature: not signed by the key of the link's onion address");
            }
        }
        return data;
    }

    static List<Torrent> decode(byte[] document, byte[] nonce, byte[] scope) throws BencodeException {
        BencodeDictionary top = BencodeDecoder.strict().withLimits(new BencodeLimits(MAX_BYTES, 8, MAX_BYTES, 200_000))
                .decodeDictionary(document);
        if (!MessageDigest.isEqual(nonce, bytes(top, "nonce"))) {
            throw new IllegalArgumentException("the answer is for another request (nonce)");
        }
        if (!MessageDigest.isEqual(scope, bytes(top, "scope"))) {
            throw new IllegalArgumentException("the answer is for another share (scope)");
        }
        List<Torrent> torrents = new ArrayList<>();
        for (BencodeValue v : list(top, "torrents")) {
            BencodeDictionary t = (BencodeDictionary) v;
            InfoHash hash = InfoHash.of(bytes(t, "hash"));
            List<TransportAddress> peers = new ArrayList<>();
            for (BencodeValue p : list(t, "peers")) {
                peers.add(TransportAddress.parse(new String(bytes((BencodeDictionary) p, "address"),
                        StandardCharsets.UTF_8)));
            }
            Optional<String> name = Optional.empty();
            long size = 0;
            if (t.get("record").orElse(null) instanceof BencodeDictionary r) {
                name = Optional.of(new String(bytes(r, "name"), StandardCharsets.UTF_8));
                size = ((BencodeInteger) r.get("size").orElseThrow()).value();
            }
            torrents.add(new Torrent(hash, name, size, peers));
        }
        return torrents;
    }

    private static byte[] bytes(BencodeDictionary d, String key) {
        BencodeValue v = d.get(key).orElseThrow(() -> new IllegalArgumentException("no " + key));
        if (v instanceof BencodeString s) {
            return s.bytes();
        }
        throw new IllegalArgumentException(key + " is a " + v.typeName());
    }

    private static List<BencodeValue> list(BencodeDictionary d, String key) {
        BencodeValue v = d.get(key).orElseThrow(() -> new IllegalArgumentException("no " + key));
        if (v instanceof BencodeList l) {
            return l.values();
        }
        throw new IllegalArgumentException(key + " is a " + v.typeName());
    }

    /** SHA-256("veilswarm tracker-mirror scope v1" NUL | "/private/<token>"), tracker-mirroring.md. */
    private static byte[] scope(String prefix) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(SCOPE_CONTEXT);
            sha.update(prefix.substring(0, prefix.length() - 1).getBytes(StandardCharsets.US_ASCII));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
