package org.veilswarm.share.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

class ShareLinkTest {
    private static final String ONION = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";
    private static final String TOKEN = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void onionLinkRoundTrips() {
        String text = "http://" + ONION + ":8443/private/" + TOKEN;
        ShareLink link = ShareLink.parse(text);
        assertEquals(new TransportAddress(ONION, 8443), link.tracker());
        assertEquals(Visibility.PRIVATE, link.visibility());
        assertEquals(TOKEN, link.token());
        assertTrue(link.isOnion());
        assertEquals(text, link.format());
        assertEquals(link, ShareLink.parse(link.format()));
    }

    @Test
    void directHostsPublicPathsTrailingSlashAndDefaultPort() {
        ShareLink link = ShareLink.parse("  HTTP://127.0.0.1:6881/public/" + TOKEN + "/ ");
        assertEquals(new TransportAddress("127.0.0.1", 6881), link.tracker());
        assertEquals(Visibility.PUBLIC, link.visibility());
        assertFalse(link.isOnion());
        assertEquals(80, ShareLink.parse("http://" + ONION + "/private/" + TOKEN).tracker().port());
        assertEquals("::1", ShareLink.parse("http://[::1]:7000/private/" + TOKEN).tracker().host());
    }

    @Test
    void toStringHidesTheToken() {
        ShareLink link = ShareLink.parse("http://127.0.0.1:6881/private/" + TOKEN);
        assertFalse(link.toString().contains(TOKEN));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty share link",
        "https://127.0.0.1:1/private/AAAAAAAAAAAAAAAAAAAAAAAA|starts with http://",
        "http://127.0.0.1:1|no /private/<token>",
        "http://127.0.0.1:1/secret/AAAAAAAAAAAAAAAAAAAAAAAA|starts with /private/ or /public/",
        "http://127.0.0.1:1/private/short|22-86 base64url",
        "http://127.0.0.1:1/private/AAAAAAAAAAAAAAAAAAAAAAAA/announce|/private/<token> or /public/<token>",
        "http://127.0.0.1:x/private/AAAAAAAAAAAAAAAAAAAAAAAA|port of the share link is not a number",
        "http://127.0.0.1:70000/private/AAAAAAAAAAAAAAAAAAAAAAAA|bad host or port",
        "http://user@127.0.0.1:1/private/AAAAAAAAAAAAAAAAAAAAAAAA|no user name",
        "http://127.0.0.1:1/private/AAAAAAAAAAAAAAAAAAAAAAAA?x=1|no query",
        "http://bad.onion:1/private/AAAAAAAAAAAAAAAAAAAAAAAA|bad host or port",
        "http://:1/private/AAAAAAAAAAAAAAAAAAAAAAAA|bad host or port",
        "http://[::1/private/AAAAAAAAAAAAAAAAAAAAAAAA|unclosed",
    })
    void malformedLinksGetClearErrors(String text, String expected) {
        ShareLinkException e = assertThrows(ShareLinkException.class, () -> ShareLink.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("AAAAAAAAAAAAAAAAAAAAAAAA"), "no token in " + e.getMessage());
    }
}
