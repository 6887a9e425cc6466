package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;

class CompactPeersTest {
    @Test
    void encodesEachAddressFamilyInItsOwnForm() throws Exception {
        TransportAddress v4 = new TransportAddress("192.0.2.7", 6881);
        TransportAddress v6 = new TransportAddress("2001:db8::1", 51413);
        TransportAddress onion = TransportAddress.of(AnnounceRequestTest.onion(), 443);
        TransportAddress dns = new TransportAddress("tracker.example", 80);
        CompactPeers.Encoded e = CompactPeers.encode(List.of(v4, v6, onion, dns));
        assertArrayEquals(HexFormat.of().parseHex("c00002071ae1"), e.ipv4());
        assertArrayEquals(HexFormat.of().parseHex("20010db8000000000000000000000001c8d5"), e.ipv6());
        assertEquals(34, e.onion().length);
        assertArrayEquals(AnnounceRequestTest.onion().publicKey(), java.util.Arrays.copyOf(e.onion(), 32));
        assertEquals(443, (e.onion()[32] & 0xff) << 8 | (e.onion()[33] & 0xff));

        assertEquals(List.of(v4), CompactPeers.decodeIpv4(e.ipv4()));
        assertEquals(List.of(v6), CompactPeers.decodeIpv6(e.ipv6()));
        assertEquals(List.of(onion), CompactPeers.decodeOnion(e.onion()));
    }

    @Test
    void anIpv4MappedAddressIsSentAsIpv4() {
        CompactPeers.Encoded e = CompactPeers.encode(List.of(new TransportAddress("::ffff:10.1.2.3", 1)));
        assertArrayEquals(HexFormat.of().parseHex("0a0102030001"), e.ipv4());
        assertEquals(0, e.ipv6().length);
    }

    @Test
    void truncatedListsAreRejected() {
        assertThrows(TrackerResponseException.class, () -> CompactPeers.decodeIpv4(new byte[7]));
        assertThrows(TrackerResponseException.class, () -> CompactPeers.decodeIpv6(new byte[17]));
        assertThrows(TrackerResponseException.class, () -> CompactPeers.decodeOnion(new byte[33]));
    }

    @Test
    void onlyDottedQuadsAreIpv4AndHostNamesHaveNoCompactForm() {
        CompactPeers.Encoded e = CompactPeers.encode(List.of(new TransportAddress("192.0.2.255", 1)));
        assertArrayEquals(HexFormat.of().parseHex("c00002ff0001"), e.ipv4());
        for (String no : new String[] {"256.0.0.1", "1.2.3", "1.2.3.4.5", "01234.1.1.1", "a.b.c.d", "1.2.3.4x",
            "tracker.example"}) {
            CompactPeers.Encoded none = CompactPeers.encode(List.of(new TransportAddress(no, 1)));
            assertEquals(0, none.ipv4().length + none.ipv6().length + none.onion().length, no);
        }
    }
}
