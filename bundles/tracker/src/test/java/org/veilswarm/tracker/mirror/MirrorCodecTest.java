package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/** The documents: canonical round trips, bindings to request and share, signature domains, strictness, limits. */
class MirrorCodecTest {
    static final InfoHash V1 = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash V2 = InfoHash.ofHex("ff".repeat(32));
    static final Instant T = Instant.parse("2026-11-22T03:04:05.678Z");
    static final TestIdentity SOURCE = new TestIdentity();

    final MirrorCodec codec = new MirrorCodec(MirrorLimits.DEFAULT);
    final byte[] nonce = bytes(16, 1);
    final byte[] scope = MirrorScope.of(Visibility.PRIVATE, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    static PeerEntry peer(InfoHash hash, int n, String address) {
        return new PeerEntry(hash, bytes(20, n), TransportAddress.parse(address), n % 2 == 0 ? 0 : 77, 5L * n, 9L * n,
                T.plusMillis(n));
    }

    static TorrentRecord record(InfoHash hash) {
        return new TorrentRecord(hash, "Ünïcode name 名前", "line one\nline two", Set.of("zeta", "alpha", "mu"),
                1L << 40, List.of("dir/b.bin", "dir/a.bin"), Visibility.PUBLIC, T);
    }

    MirrorSnapshot snapshot() {
        String onion = SOURCE.address().hostName();
        return new MirrorSnapshot(FeedEpoch.of(bytes(16, 3)), 42, List.of(
                new MirroredTorrent(V2, Optional.of(record(V2)), List.of(peer(V2, 1, "127.0.0.1:6881"),
                        peer(V2, 2, "[2001:db8::1]:6881"), peer(V2, 3, onion + ":443"))),
                new MirroredTorrent(V1, Optional.empty(), List.of(peer(V1, 4, "10.0.0.4:1")))));
    }

    ChangeBatch batch() {
        return new ChangeBatch(FeedEpoch.of(bytes(16, 3)), 40, 50, List.of(
                new Change(41, Change.Kind.TORRENT_PUT, V2, Optional.empty(), Optional.of(record(V2))),
                new Change(43, Change.Kind.PEER_PUT, V1, Optional.of(peer(V1, 5, "127.0.0.1:1")), Optional.empty()),
                new Change(47, Change.Kind.PEER_REMOVE, V1, Optional.of(peer(V1, 5, "127.0.0.1:1")), Optional.empty()),
                new Change(50, Change.Kind.TORRENT_REMOVE, V2, Optional.empty(), Optional.empty())));
    }

    @Test
    void aSnapshotSurvivesEncodingAndItsEncodingIsCanonical() throws Exception {
        byte[] encoded = codec.encodeSnapshot(snapshot(), nonce, scope);
        MirrorSnapshot decoded = codec.decodeSnapshot(encoded, nonce, scope);
        assertEquals(snapshot(), decoded);
        assertArrayEquals(encoded, codec.encodeSnapshot(decoded, nonce, scope));
        String text = new String(encoded, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("4:tagsl5:alpha2:mu4:zetae"), "a set is written sorted: " + text);
    }

    @Test
    void aBatchSurvivesEncodingWithEveryKindOfChange() throws Exception {
        byte[] encoded = codec.encodeBatch(batch(), nonce, scope);
        ChangeBatch decoded = codec.decodeBatch(encoded, nonce, scope);
        assertEquals(batch().changes(), decoded.changes());
        assertEquals(50, decoded.to());
        assertArrayEquals(encoded, codec.encodeBatch(decoded, nonce, scope));
    }

    @Test
    void anAnswerToAnotherRequestOrShareIsRefused() {
        byte[] encoded = codec.encodeBatch(batch(), nonce, scope);
        MirrorException replay = assertThrows(MirrorException.class,
                () -> codec.decodeBatch(encoded, bytes(16, 9), scope));
        assertTrue(replay.getMessage().contains("nonce mismatch"));
        byte[] otherShare = MirrorScope.of(Visibility.PUBLIC, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        MirrorException wrongShare = assertThrows(MirrorException.class,
                () -> codec.decodeBatch(encoded, nonce, otherShare));
        assertTrue(wrongShare.getMessage().contains("another share"));
    }

    @Test
    void theSignatureCoversEveryByteAndOneKindOfDocumentOnly() throws Exception {
        byte[] document = codec.encodeSnapshot(snapshot(), nonce, scope);
        byte[] envelope = SignedDocument.sign(SignedDocument.Kind.SNAPSHOT, document, SOURCE);
        assertArrayEquals(document, SignedDocument.open(SignedDocument.Kind.SNAPSHOT, envelope, SOURCE.publicKey(),
                SOURCE, 1 << 20));
        MirrorException otherKind = assertThrows(MirrorException.class, () -> SignedDocument.open(
                SignedDocument.Kind.CHANGES, envelope, SOURCE.publicKey(), SOURCE, 1 << 20));
        assertTrue(otherKind.getMessage().contains("bad signature"));
        int start = envelope.length - document.length - "9:signature64:".length() - 64 - 1;
        for (int i = start; i < start + document.length; i += 7) {
            byte[] spoilt = envelope.clone();
            spoilt[i] ^= 0x20;
            assertThrows(MirrorException.class, () -> SignedDocument.open(SignedDocument.Kind.SNAPSHOT, spoilt,
                    SOURCE.publicKey(), SOURCE, 1 << 20), "byte " + i);
        }
        MirrorException tooBig = assertThrows(MirrorException.class, () -> SignedDocument.open(
                SignedDocument.Kind.SNAPSHOT, envelope, SOURCE.publicKey(), SOURCE, envelope.length - 1));
        assertTrue(tooBig.getMessage().contains("exceeds the limit"));
    }

    @Test
    void unknownFieldsAndBrokenValuesAreRefusedWithTheirName() {
        String base = "d7:changesl%se5:epoch16:" + "e".repeat(16) + "4:fromi0e5:nonce16:" + "n".repeat(16)
                + "5:scope32:" + "s".repeat(32) + "2:toi9ee";
        byte[] n = "n".repeat(16).getBytes(StandardCharsets.US_ASCII);
        byte[] s = "s".repeat(32).getBytes(StandardCharsets.US_ASCII);
        String hash = "4:hash20:" + "h".repeat(20);
        assertRefused(base.formatted("d" + hash + "4:kind9:peer jump3:seqi1ee"), n, s, "unknown change kind");
        assertRefused(base.formatted("d" + hash + "4:kind14:torrent remove3:seqi1e3:zzzi0ee"), n, s,
                "unknown field 'zzz'");
        assertRefused(base.formatted("d" + hash + "4:kind14:torrent remove3:seqi10ee"), n, s, "at most 9");
        assertRefused(base.formatted("d" + hash + "4:kind8:peer put3:seqi1ee"), n, s, "needs a peer");
        assertRefused("d3:fooi1ee", n, s, "unknown field 'foo'");
        assertRefused("i1e", n, s, "expected a dictionary");
        assertRefused(base.formatted("") + "x", n, s, "trailing");
    }

    private void assertRefused(String document, byte[] n, byte[] s, String expected) {
        MirrorException e = assertThrows(MirrorException.class,
                () -> codec.decodeBatch(document.getBytes(StandardCharsets.ISO_8859_1), n, s));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void limitsAreEnforcedOnDecoding() {
        MirrorCodec tight = new MirrorCodec(new MirrorLimits(1 << 20, 1 << 20, 10, 2, 3, 1024, 10));
        byte[] encoded = codec.encodeSnapshot(snapshot(), nonce, scope);
        MirrorException peers = assertThrows(MirrorException.class, () -> tight.decodeSnapshot(encoded, nonce, scope));
        assertTrue(peers.getMessage().contains("more than the limit of 2"), peers.getMessage());
        List<PeerEntry> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            many.add(peer(V1, i, "127.0.0.1:" + i));
        }
        byte[] big = codec.encodeSnapshot(new MirrorSnapshot(FeedEpoch.of(bytes(16, 3)), 1,
                List.of(new MirroredTorrent(V1, Optional.empty(), many))), nonce, scope);
        assertTrue(big.length > 1024);
        MirrorCodec tiny = new MirrorCodec(MirrorLimits.DEFAULT.withMaxSnapshotBytes(1024));
        MirrorException size = assertThrows(MirrorException.class, () -> tiny.decodeSnapshot(big, nonce, scope));
        assertTrue(size.getMessage().contains("exceeds the limit"), size.getMessage());
    }
}
