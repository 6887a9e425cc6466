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

    /**
     * The compact answer is written by hand for speed; it must be byte for byte what the generic bencode encoder
     * makes of the same dictionary (sorted keys, BEP 3), for every mix of peer forms and counts.
     */
    @Test
    void theHandWrittenCompactAnswerIsTheCanonicalBencoding() {
        java.util.Random random = new java.util.Random(52);
        List<TransportAddress> pool = List.of(new TransportAddress("127.0.0.1", 1), new TransportAddress("10.0.0.255", 65535),
                new TransportAddress("255.255.255.255", 6881), new TransportAddress("::1", 7001),
                new TransportAddress("2001:db8::7", 80), new TransportAddress("::ffff:192.0.2.1", 9),
                TransportAddress.of(AnnounceRequestTest.onion(), 7002), new TransportAddress("example.org", 80));
        for (int round = 0; round < 300; round++) {
            List<PeerEntry> peers = new java.util.ArrayList<>();
            int n = random.nextInt(60);
            for (int i = 0; i < n; i++) {
                peers.add(new PeerEntry(HASH, "-VS0001-abcdefghijkl".getBytes(), pool.get(random.nextInt(pool.size())),
                        0, 0, 0, Instant.EPOCH));
            }
            int interval = random.nextInt(100_000);
            int minInterval = random.nextInt(interval + 1);
            int complete = random.nextInt(3) == 0 ? 0 : random.nextInt(Integer.MAX_VALUE);
            int incomplete = random.nextInt(1_000);
            CompactPeers.Encoded encoded = CompactPeers.encode(peers.stream().map(PeerEntry::address).toList());
            org.veilswarm.bencode.BencodeDictionary.Builder d = org.veilswarm.bencode.BencodeDictionary.builder()
                    .put("interval", interval).put("min interval", minInterval).put("complete", complete)
                    .put("incomplete", incomplete).put("peers", encoded.ipv4());
            if (encoded.ipv6().length > 0) {
                d.put("peers6", encoded.ipv6());
            }
            if (encoded.onion().length > 0) {
                d.put("peers_onion", encoded.onion());
            }
            byte[] expected = org.veilswarm.bencode.BencodeEncoder.encode(d.build());
            byte[] actual = AnnounceResponse.encode(peers, interval, minInterval, complete, incomplete, true, false);
            assertEquals(new String(expected, StandardCharsets.ISO_8859_1), new String(actual, StandardCharsets.ISO_8859_1),
                    "peers " + peers.stream().map(PeerEntry::address).toList());
            // The stores' compact lists (CompactPeer entries, API 1.1) give the same bytes as the host-text path.
            byte[] fromStore = AnnounceResponse.encodeCompact(org.veilswarm.api.tracker.CompactAnnounceResult.of(peers,
                    new org.veilswarm.api.tracker.SwarmCounts(complete, incomplete, 0)), interval, minInterval);
            assertEquals(new String(expected, StandardCharsets.ISO_8859_1),
                    new String(fromStore, StandardCharsets.ISO_8859_1), "compact lists of " + peers.size() + " peers");
        }
    }
}
