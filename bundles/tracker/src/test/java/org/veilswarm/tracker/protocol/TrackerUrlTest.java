package org.veilswarm.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;

class TrackerUrlTest {
    @Test
    void splitsAddressAndPathAndDerivesTheScrapeUrl() {
        TrackerUrl url = TrackerUrl.parse("http://127.0.0.1:6969/public/abc/announce");
        assertEquals(new TransportAddress("127.0.0.1", 6969), url.address());
        assertEquals("/public/abc/announce", url.path());
        assertEquals("/public/abc/scrape", url.scrape().path());
        assertEquals("127.0.0.1:6969", url.hostHeader());
        assertEquals(80, TrackerUrl.parse("http://tracker.example/announce.php").address().port());
        assertEquals("/scrape.php", TrackerUrl.parse("http://tracker.example/announce.php").scrape().path());
        assertEquals("[::1]:7000", TrackerUrl.parse("http://[::1]:7000/announce").hostHeader());
        String onion = org.veilswarm.api.node.OnionAddress.fromPublicKey(new byte[32]).hostName();
        assertEquals(onion, TrackerUrl.parse("http://" + onion + ":80/private/t/announce").address().host());
    }

    @Test
    void refusesWhatIsNotAPlainHttpTrackerUrl() {
        assertThrows(IllegalArgumentException.class, () -> TrackerUrl.parse("https://t:1/announce"));
        assertThrows(IllegalArgumentException.class, () -> TrackerUrl.parse("http://t:1"));
        assertThrows(IllegalArgumentException.class, () -> TrackerUrl.parse("http://t:1/announce?x=1"));
        assertThrows(IllegalStateException.class, () -> TrackerUrl.parse("http://t:1/a/track").scrape());
    }
}
