package org.veilswarm.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;

class TransportAddressTest {
    private static final String ONION = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";

    @Test
    void parsesHostPortForms() {
        assertEquals(new TransportAddress("127.0.0.1", 6881), TransportAddress.parse("127.0.0.1:6881"));
        assertEquals(new TransportAddress("::1", 80), TransportAddress.parse("[::1]:80"));
        assertEquals("[::1]:80", TransportAddress.parse("[::1]:80").toString());
        TransportAddress onion = TransportAddress.parse(ONION.toUpperCase() + ":443");
        assertTrue(onion.isOnion());
        assertEquals(ONION, onion.host());
        assertEquals(OnionAddress.parse(ONION), onion.onion().orElseThrow());
        assertFalse(TransportAddress.parse("example.org:1").isOnion());
    }

    @Test
    void aFullyQualifiedOnionNameIsStillAnOnionName() {
        // Taken for a DNS name, "x.onion." would make the direct transport query DNS for the service.
        TransportAddress dotted = TransportAddress.parse(ONION + ".:80");
        assertTrue(dotted.isOnion());
        assertEquals(ONION, dotted.host());
        assertThrows(IllegalArgumentException.class, () -> new TransportAddress("abc.ONION.", 80));
        assertThrows(IllegalArgumentException.class, () -> new TransportAddress("onion", 80));
        assertEquals("example.org.", new TransportAddress("example.org.", 1).host());
    }

    @Test
    void hostsOutsideTheHostNameAndIpGrammarAreRejected() {
        for (String bad : new String[] {"ex%ample.org", "ex\u00e4mple.org", "a#b", "a\u007fb", "a..b", ".a", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> new TransportAddress(bad, 1), bad);
        }
        assertEquals("fe80::1%eth0", new TransportAddress("fe80::1%eth0", 1).host());
        assertEquals("10.0.0.1", new TransportAddress("10.0.0.1", 1).host());
        assertEquals("my_host-1.lan", new TransportAddress("my_host-1.lan", 1).host());
    }

    @Test
    void rejectsMalformed() {
        for (String bad : new String[] {"", "host", ":80", "host:", "host:0", "host:65536", "host:x", "::1:80",
                "[::1]80", "a b:1", "user@host:1", "abc.onion:80"}) {
            assertThrows(IllegalArgumentException.class, () -> TransportAddress.parse(bad), bad);
        }
    }

    @Test
    void infoDescribesNonAnonymousLoudly() {
        TransportInfo direct = new TransportInfo("direct", Anonymity.NONE, false, 0, "plain TCP");
        assertFalse(direct.anonymous());
        assertTrue(direct.describe().startsWith("NOT ANONYMOUS"), direct.describe());
        TransportInfo onion = new TransportInfo("onion", Anonymity.MUTUAL, true, 3, "native onion routing");
        assertEquals("native onion routing", onion.describe());
        assertThrows(IllegalArgumentException.class, () -> new TransportInfo("x", Anonymity.NONE, false, -1, "s"));
    }

    @Test
    void relayCountsCannotBeNegative() {
        assertEquals(0, RelayCounters.NONE.current().bytesRelayed());
        assertTrue(RelayCounters.NONE.completedEpochs().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new RelayCounters.RelayCount(
                java.time.Instant.EPOCH, java.time.Instant.EPOCH, 0, -1, 0));
    }
}
