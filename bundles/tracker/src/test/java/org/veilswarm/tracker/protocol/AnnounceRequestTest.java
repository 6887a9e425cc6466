package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;

class AnnounceRequestTest {
    static final String HASH_Q = "%01%23%45%67%89%ab%cd%ef%01%23%45%67%89%ab%cd%ef%01%23%45%67";
    static final String PEER_Q = "-VS0001-abcdefghijkl";
    static final String BASE = "info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&port=6881&uploaded=0&downloaded=0";

    static OnionAddress onion() {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        return OnionAddress.fromPublicKey(key);
    }

    @Test
    void parsesWhatLibtorrentSends() throws Exception {
        AnnounceRequest r = AnnounceRequest.parse(BASE + "&left=1048576&corrupt=0&key=1A2B3C4D&event=started"
                + "&numwant=200&compact=1&no_peer_id=1&supportcrypto=1&redundant=0");
        assertEquals(InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567"), r.infoHash());
        assertArrayEquals("-VS0001-abcdefghijkl".getBytes(), r.peerId());
        assertEquals(6881, r.port());
        assertEquals(1048576, r.left());
        assertEquals(AnnounceEvent.STARTED, r.event());
        assertEquals(OptionalInt.of(200), r.numWant());
        assertTrue(r.compact());
        assertTrue(r.noPeerId());
        assertEquals(Optional.empty(), r.onion());
    }

    @Test
    void plusIsTheByte0x2BAndNotASpace() throws Exception {
        AnnounceRequest r = AnnounceRequest.parse("info_hash=++++++++++++++++++++&peer_id=%20+%20+%20+%20+%20+%20+"
                + "%20+%20+%20+%20+&port=1&uploaded=0&downloaded=0&left=0");
        byte[] plus = new byte[20];
        java.util.Arrays.fill(plus, (byte) 0x2B);
        assertArrayEquals(plus, r.infoHash().bytes());
        assertEquals(0x20, r.peerId()[0]);
        assertEquals(0x2B, r.peerId()[1]);
    }

    @Test
    void roundTripsThroughItsOwnQueryWithEveryByteEncoded() throws Exception {
        byte[] hash = new byte[20];
        for (int i = 0; i < 20; i++) {
            hash[i] = (byte) (i * 13 + 0x20);
        }
        hash[3] = 0x2B;
        hash[4] = '%';
        hash[5] = '&';
        AnnounceRequest request = new AnnounceRequest(InfoHash.of(hash), "-VS0001-+%&= ~abcdef".getBytes(), 443,
                1, 2, 3, AnnounceEvent.COMPLETED, OptionalInt.of(5), false, true, Optional.of(onion()));
        String query = request.toQuery();
        assertTrue(query.matches("info_hash=(%[0-9A-F]{2}){20}&peer_id=(%[0-9A-F]{2}){20}&.*"), query);
        assertEquals(request, AnnounceRequest.parse(query));
        assertTrue(query.contains("&onion=" + onion().label()));
    }

    @Test
    void theOnionParameterIsAValidatedV3Label() throws Exception {
        AnnounceRequest r = AnnounceRequest.parse(BASE + "&left=0&onion=" + onion().label());
        assertEquals(Optional.of(onion()), r.onion());
        String broken = onion().label().substring(0, 55) + (onion().label().endsWith("a") ? "b" : "a");
        assertFailure("onion must be", BASE + "&left=0&onion=" + broken);
        assertFailure("onion must be", BASE + "&left=0&onion=" + onion().hostName());
        assertFailure("onion must be", BASE + "&left=0&onion=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%4", "%4g", "%G0", "%%41", "%\u0661\u0662"})
    void rejectsMalformedEscapes(String escape) {
        assertFailure("%-escape", "info_hash=" + escape + "&peer_id=" + PEER_Q + "&port=1&uploaded=0&downloaded=0&left=0");
    }

    @Test
    void rejectsDuplicatesMissingKeysAndWrongLengths() {
        assertFailure("duplicate parameter port", BASE + "&left=0&port=6882");
        assertFailure("duplicate parameter info_hash", BASE + "&left=0&info_hash=" + HASH_Q);
        assertFailure("missing parameter left", BASE);
        assertFailure("missing parameter info_hash", "peer_id=" + PEER_Q + "&port=1&uploaded=0&downloaded=0&left=0");
        assertFailure("info_hash must be 20 bytes, got 19", BASE.replace("%67&", "&") + "&left=0");
        assertFailure("peer_id must be 20 bytes, got 21", BASE.replace(PEER_Q, PEER_Q + "x") + "&left=0");
        assertFailure("unencoded byte", BASE + "&left=0&key=\u00e9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"port=0", "port=65536", "port=-1", "port=+80", "port= 80", "port=", "port=8O"})
    void rejectsPortsOutOfRange(String port) {
        assertFailure("port", "info_hash=" + HASH_Q + "&peer_id=" + PEER_Q + "&" + port
                + "&uploaded=0&downloaded=0&left=0");
    }

    @Test
    void rejectsOtherNumbersOutOfRangeAndUnknownEvents() {
        assertFailure("left must be", BASE + "&left=9223372036854775808");
        assertFailure("left must be", BASE + "&left=-5");
        assertFailure("numwant must be", BASE + "&left=0&numwant=-1");
        assertFailure("event must be", BASE + "&left=0&event=finished");
        assertFailure("compact must be 0 or 1", BASE + "&left=0&compact=2");
        assertFalse(assertDoesParse(BASE + "&left=9223372036854775807&numwant=99999999999").numWant().isEmpty());
    }

    private static AnnounceRequest assertDoesParse(String query) {
        try {
            return AnnounceRequest.parse(query);
        } catch (TrackerRequestException e) {
            throw new AssertionError(e);
        }
    }

    static void assertFailure(String expected, String query) {
        TrackerRequestException e = assertThrows(TrackerRequestException.class, () -> AnnounceRequest.parse(query));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
