package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.TransportAddress;

class AnnounceResponseTest {
    static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final List<TransportAddress> ADDRESSES = List.of(new TransportAddress("127.0.0.1", 7000),
            new TransportAddress("::1", 7001), TransportAddress.of(AnnounceRequestTest.onion(), 7002));

    static List<PeerEntry> peers() {
        return ADDRESSES.stream().map(a -> new PeerEntry(HASH, "-VS0001-abcdefghijkl".getBytes(), a, 0, 0, 0,
                Instant.EPOCH)).toList();
    }

    @Test
    void compactAnswersRoundTripWithAllThreePeerForms() throws Exception {
        byte[] body = AnnounceResponse.encode(peers(), 1800, 900, 2, 1, true, false);
        String text = new String(body, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("d8:completei2e10:incompletei1e8:intervali1800e12:min intervali900e5:peers6:"),
                text);
        assertTrue(text.contains("6:peers618:") && text.contains("11:peers_onion34:"), text);
        AnnounceResponse parsed = AnnounceResponse.parse(body);
        assertEquals(new AnnounceResponse(1800, 900, 2, 1, Optional.empty(), ADDRESSES), parsed);
    }

    @Test
    void dictionaryAnswersCarryPeerIdsUnlessRefused() throws Exception {
        byte[] withIds = AnnounceResponse.encode(peers(), 60, 30, 0, 3, false, false);
        assertTrue(new String(withIds, StandardCharsets.ISO_8859_1).contains("7:peer id20:-VS0001-abcdefghijkl"));
        assertEquals(ADDRESSES, AnnounceResponse.parse(withIds).peers());
        byte[] withoutIds = AnnounceResponse.encode(peers(), 60, 30, 0, 3, false, true);
        assertTrue(!new String(withoutIds, StandardCharsets.ISO_8859_1).contains("peer id"));
    }

    @Test
    void failureReasonBecomesAnException() {
        TrackerFailureException e = assertThrows(TrackerFailureException.class,
                () -> AnnounceResponse.parse(AnnounceResponse.failure("go away")));
        assertEquals("go away", e.reason());
        assertThrows(TrackerResponseException.class, () -> AnnounceResponse.parse("<html>".getBytes()));
        assertThrows(TrackerResponseException.class, () -> AnnounceResponse.parse("d5:peers0:e".getBytes()));
    }

    @Test
    void scrapeAnswersRoundTrip() throws Exception {
        Map<InfoHash, SwarmCounts> files = Map.of(HASH, new SwarmCounts(3, 4, 5));
        byte[] body = ScrapeResponse.encode(files);
        assertTrue(new String(body, StandardCharsets.ISO_8859_1).startsWith("d5:filesd20:"));
        assertEquals(files, ScrapeResponse.parse(body));
    }
}
