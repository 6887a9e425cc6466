package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeEncoder;
import org.veilswarm.bencode.BencodeList;
import org.veilswarm.bencode.BencodeString;
import org.veilswarm.bencode.BencodeValue;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

/** The public index: what the source answers, and what a mirror accepts. */
class PublicIndexTest {
    static final byte[] NONCE = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final String T1 = ShareTokenTable.newToken(new SecureRandom());
    static final String T2 = ShareTokenTable.newToken(new SecureRandom());

    final FeedFollower feed = new FeedFollower(new MemoryTrackerStore(), FeedSettings.DEFAULT);
    final TestIdentity identity = new TestIdentity();
    final List<String> publicTokens = new ArrayList<>(List.of(T1, T2));

    @AfterEach
    void close() {
        feed.close();
    }

    MirrorSource source(PublicShareList list) {
        return new MirrorSource(feed, new ShareTokenTable(), identity, MirrorLimits.DEFAULT, Duration.ofSeconds(1),
                list);
    }

    MirrorSource.Reply get(MirrorSource source, String method, String target) throws Exception {
        return source.handle(method, target).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSourceSignsItsPublicTokensBoundToTheNonce() throws Exception {
        MirrorSource.Reply reply = get(source(() -> publicTokens), "GET",
                PublicIndex.PATH + "?nonce=" + HexFormat.of().formatHex(NONCE));
        assertEquals(200, reply.status());
        byte[] document = SignedDocument.open(SignedDocument.Kind.INDEX, reply.body(), identity.publicKey(), identity,
                1 << 20);
        assertEquals(new java.util.TreeSet<>(publicTokens), PublicIndex.decode(document, NONCE, 10));
        MirrorException replayed = assertThrows(MirrorException.class,
                () -> PublicIndex.decode(document, new byte[16], 10));
        assertTrue(replayed.getMessage().contains("nonce"), replayed.getMessage());
        MirrorException otherKind = assertThrows(MirrorException.class, () -> SignedDocument.open(
                SignedDocument.Kind.SNAPSHOT, reply.body(), identity.publicKey(), identity, 1 << 20));
        assertTrue(otherKind.getMessage().contains("bad signature"), "an index signature is no snapshot signature");
        assertTrue(MirrorSource.isMirrorPath(PublicIndex.PATH + "?nonce=00"));
    }

    @Test
    void badRequestsGetClearErrorsAndASourceWithoutAnIndexTheTrackers404() throws Exception {
        MirrorSource withIndex = source(() -> publicTokens);
        assertEquals(405, get(withIndex, "POST", PublicIndex.PATH + "?nonce=" + HexFormat.of().formatHex(NONCE))
                .status());
        MirrorSource.Reply badNonce = get(withIndex, "GET", PublicIndex.PATH + "?nonce=xyz");
        assertEquals(400, badNonce.status());
        assertTrue(new String(badNonce.body(), StandardCharsets.ISO_8859_1).contains("nonce"));
        MirrorSource.Reply none = get(source(null), "GET", PublicIndex.PATH + "?nonce="
                + HexFormat.of().formatHex(NONCE));
        assertEquals(404, none.status());
        assertArrayEquals(MirrorSource.NOT_FOUND, none.body());
    }

    static byte[] document(List<String> tokens) {
        List<BencodeValue> list = new ArrayList<>();
        tokens.forEach(t -> list.add(BencodeString.of(t)));
        return BencodeEncoder.encode(BencodeDictionary.builder().put("nonce", NONCE).put("tokens", new BencodeList(list))
                .build());
    }

    @Test
    void aMirrorRefusesMalformedIndexes() {
        String low = T1.compareTo(T2) < 0 ? T1 : T2;
        String high = T1.compareTo(T2) < 0 ? T2 : T1;
        assertEquals(2, assertDoesNotThrow(document(List.of(low, high))).size());
        assertRefused(document(List.of(high, low)), "sorted");
        assertRefused(document(List.of(low, low)), "sorted");
        assertRefused(document(List.of("short")), "not a share token");
        assertRefused(BencodeEncoder.encode(BencodeDictionary.builder().put("nonce", NONCE).build()), "exactly");
        assertRefused("garbage".getBytes(StandardCharsets.US_ASCII), "malformed");
        MirrorException tooMany = assertThrows(MirrorException.class,
                () -> PublicIndex.decode(document(List.of(low, high)), NONCE, 1));
        assertTrue(tooMany.getMessage().contains("more than 1"), tooMany.getMessage());
    }

    private static java.util.SortedSet<String> assertDoesNotThrow(byte[] document) {
        try {
            return PublicIndex.decode(document, NONCE, 10);
        } catch (MirrorException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRefused(byte[] document, String reason) {
        MirrorException e = assertThrows(MirrorException.class, () -> PublicIndex.decode(document, NONCE, 10));
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " should say " + reason);
    }
}
