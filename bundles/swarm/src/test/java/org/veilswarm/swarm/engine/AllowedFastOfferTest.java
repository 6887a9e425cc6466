package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.swarm.picker.AllowedFastSet;

class AllowedFastOfferTest {

    private static final HashValue HASH = HashValue.of(new byte[20]);

    @Test
    void ipv4PeersGetTheCanonicalSetOfTheirSlash24() {
        assertEquals(AllowedFastSet.forIpv4(4, 1000, new byte[] {(byte) 80, 4, 4, 0}, HASH.bytes()),
                AllowedFastOffer.pieces(new TransportAddress("80.4.4.200", 1), 1000, HASH, 4));
        assertEquals(AllowedFastOffer.pieces(new TransportAddress("80.4.4.1", 1), 1000, HASH, 4),
                AllowedFastOffer.pieces(new TransportAddress("80.4.4.2", 2), 1000, HASH, 4));
    }

    @Test
    void onlyDottedQuadsAreIpv4() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, AllowedFastOffer.ipv4("127.0.0.1"));
        assertNull(AllowedFastOffer.ipv4("256.0.0.1"));
        assertNull(AllowedFastOffer.ipv4("1.2.3"));
        assertNull(AllowedFastOffer.ipv4("a.b.c.d"));
        assertNull(AllowedFastOffer.ipv4("1.2.3.+4"));
        assertNull(AllowedFastOffer.ipv4("::1"));
    }

    @Test
    void otherAddressesHashTheirName() {
        TransportAddress onion = new TransportAddress("example.org", 443);
        assertEquals(4, AllowedFastOffer.pieces(onion, 1000, HASH, 4).size());
    }
}
