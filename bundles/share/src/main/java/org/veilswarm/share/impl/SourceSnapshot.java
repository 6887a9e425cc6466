package org.veilswarm.share.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeException;
import org.veilswarm.bencode.BencodeLimits;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.tracker.mirror.MirrorCodec;
import org.veilswarm.tracker.mirror.MirrorException;
import org.veilswarm.tracker.mirror.MirrorLimits;
import org.veilswarm.tracker.mirror.MirroredTorrent;
import org.veilswarm.tracker.mirror.SignedDocument;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * Reads a share's tracker record from its source: one mirroring snapshot ({@code GET <prefix>mirror/snapshot},
 * docs/protocols/tracker-mirroring.md), which names each torrent by its full v2 info-hash when the source has a
 * record for it. A share link carries only the token; announces and scrapes use the 20-byte truncated hash, and
 * BEP 9 needs the full 32 bytes to check the metadata, so this is how a downloader learns what to fetch.
 *
 * <p>For an onion link the snapshot's signature is checked against the key in the onion address. A direct link
 * names no key: the envelope is opened without a signature check (the direct transport authenticates nothing
 * anyway, and the metadata is still checked against the hash read here).
 */
final class SourceSnapshot {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] SCOPE_CONTEXT = "veilswarm tracker-mirror scope v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SourceSnapshot() {
    }

    static CompletableFuture<List<MirroredTorrent>> fetch(Transport transport, ShareLink link,
            Optional<NodeIdentity> verifier) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String prefix = ShareService.prefix(link.visibility(), link.token());
        TrackerUrl url = new TrackerUrl(link.tracker(), prefix + "mirror/snapshot");
        MirrorLimits limits = MirrorLimits.DEFAULT;
        return new TrackerClient(transport::connect, TIMEOUT).get(url, "nonce=" + HexFormat.of().formatHex(nonce))
                .thenApply(envelope -> {
                    try {
                        byte[] document = open(envelope, link, verifier, limits);
                        return new MirrorCodec(limits).decodeSnapshot(document, nonce, scope(prefix)).torrents();
                    } catch (MirrorException e) {
                        throw new CompletionException(e);
                    }
                });
    }

    private static byte[] open(byte[] envelope, ShareLink link, Optional<NodeIdentity> verifier, MirrorLimits limits)
            throws MirrorException {
        int max = limits.maxSnapshotBytes();
        if (link.isOnion() && verifier.isPresent()) {
            byte[] key = link.tracker().onion().orElseThrow().publicKey();
            return SignedDocument.open(SignedDocument.Kind.SNAPSHOT, envelope, key, verifier.get(), max);
        }
        try {
            BencodeDictionary outer = BencodeDecoder.strict().withLimits(new BencodeLimits(max, 2, max, 5))
                    .decodeDictionary(envelope);
            if (outer.get("data").orElse(null) instanceof BencodeString data) {
                return data.bytes();
            }
            throw new MirrorException("malformed signed snapshot: no data");
        } catch (BencodeException e) {
            throw new MirrorException("malformed signed snapshot: " + e.getMessage(), e);
        }
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
