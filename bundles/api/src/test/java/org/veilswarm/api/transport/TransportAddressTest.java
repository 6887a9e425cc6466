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
