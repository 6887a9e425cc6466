package org.veilswarm.transport.tor.control.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.tor.control.BandwidthEvent;
import org.veilswarm.transport.tor.control.CircuitBandwidthEvent;
import org.veilswarm.transport.tor.control.CircuitEvent;
import org.veilswarm.transport.tor.control.ControlReply;
import org.veilswarm.transport.tor.control.LogEvent;
import org.veilswarm.transport.tor.control.OtherEvent;
import org.veilswarm.transport.tor.control.QuotedString;
import org.veilswarm.transport.tor.control.ReplyLine;
import org.veilswarm.transport.tor.control.StatusEvent;
import org.veilswarm.transport.tor.control.TorEvent;

/** QuotedString (§2.1.1), keyword arguments, typed events (§4.1) and the SAFECOOKIE hashes (§3.24). */
class ParsingTest {

    @Test
    void quotedStringEscapesEverythingThatCouldBreakTheLine() {
        assertEquals("\"a b \\\"q\\\" \\\\ \\r\\n\\t \\000\\037\\177 é\"", QuotedString.quote("a b \"q\" \\ \r\n\t \0\u001f\u007f é"));
        for (String s : List.of("", "plain", "a b \"q\" \\", "\r\n\t\0\u001f", "é ü 中")) {
            assertEquals(s, QuotedString.unquote(QuotedString.quote(s)));
        }
    }

    @Test
    void unquoteDecodesOctalBytesAsUtf8() {
        assertEquals("/home/é/x", QuotedString.unquote("\"/home/\\303\\251/x\""));
        assertEquals("A'", QuotedString.unquote("\"\\101\\'\""));
        assertThrows(IllegalArgumentException.class, () -> QuotedString.unquote("\"open"));
        assertThrows(IllegalArgumentException.class, () -> QuotedString.unquote("\"a\"b"));
        assertThrows(IllegalArgumentException.class, () -> QuotedString.unquote("\"ends in backslash\\"));
    }

    @Test
    void keywordArgumentsWithQuotedValues() {
        ReplyTokens t = ReplyTokens.parse("AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/a b/\\\"c\\\"\"");
        assertEquals(List.of("AUTH"), t.positional());
        assertEquals(Map.of("METHODS", "COOKIE,SAFECOOKIE", "COOKIEFILE", "/a b/\"c\""), t.keywords());
        ReplyTokens s = ReplyTokens.parse("NOTICE BOOTSTRAP PROGRESS=0 TAG=starting SUMMARY=\"Starting\"");
        assertEquals(List.of("NOTICE", "BOOTSTRAP"), s.positional());
        assertEquals("Starting", s.keywords().get("SUMMARY"));
        assertThrows(IllegalArgumentException.class, () -> ReplyTokens.parse("A=\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> ReplyTokens.parse("=value"));
        assertThrows(IllegalArgumentException.class, () -> ReplyTokens.parse("A=\"x\"y"));
    }

    @Test
    void typedEvents() {
        BandwidthEvent bw = assertInstanceOf(BandwidthEvent.class, event("BW 1024 2048"));
        assertEquals(1024, bw.bytesRead());
        assertEquals(2048, bw.bytesWritten());

        CircuitEvent built = assertInstanceOf(CircuitEvent.class,
                event("CIRC 7 BUILT $AAAA~one,$BBBB~two PURPOSE=HS_SERVICE_INTRO HS_STATE=HSSI_ESTABLISHED TIME_CREATED=2026-11-22T01:00:00.000000"));
        assertEquals("7", built.circuitId());
        assertEquals("BUILT", built.status());
        assertEquals(List.of("$AAAA~one", "$BBBB~two"), built.path());
        assertEquals("HS_SERVICE_INTRO", built.arguments().get("PURPOSE"));
        CircuitEvent launched = assertInstanceOf(CircuitEvent.class, event("CIRC 8 LAUNCHED BUILD_FLAGS=NEED_CAPACITY"));
        assertEquals(List.of(), launched.path());

        CircuitBandwidthEvent cbw = assertInstanceOf(CircuitBandwidthEvent.class,
                event("CIRC_BW ID=7 READ=498 WRITTEN=996 TIME=2026-11-22T01:00:00.000000 DELIVERED_READ=0"));
        assertEquals("7", cbw.circuitId());
        assertEquals(498, cbw.bytesRead());
        assertEquals(996, cbw.bytesWritten());

        StatusEvent status = assertInstanceOf(StatusEvent.class,
                event("STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY=\"Done\""));
        assertEquals("STATUS_CLIENT", status.type());
        assertEquals(100, status.bootstrap().orElseThrow().progress());
        assertTrue(status.bootstrap().orElseThrow().isDone());

        LogEvent warn = assertInstanceOf(LogEvent.class, event("WARN Something odd"));
        assertEquals("Something odd", warn.message());
        LogEvent multi = assertInstanceOf(LogEvent.class,
                EventParser.parse(new ControlReply(650, List.of(new ReplyLine("NOTICE", "one\ntwo"), new ReplyLine("OK")))));
        assertEquals("one\ntwo", multi.message());
    }

    @Test
    void malformedOrUnknownEventsBecomeOtherEvents() {
        assertEquals("STREAM", assertInstanceOf(OtherEvent.class, event("STREAM 1 NEW 0 x.onion:80")).type());
        for (String text : List.of("BW x 1", "BW -1 1", "BW 1", "CIRC 7", "CIRC_BW ID=1 READ=2", "STATUS_CLIENT NOTICE",
                "CIRC 7 BUILT PURPOSE=\"open")) {
            OtherEvent other = assertInstanceOf(OtherEvent.class, event(text), text);
            assertTrue(other.problem() != null && !other.problem().isEmpty(), text);
        }
    }

    /** Vector computed independently with Python's hmac module over bytes 0..31 | 32..63 | 64..95. */
    @Test
    void safeCookieHashesMatchAnIndependentComputation() {
        byte[] cookie = range(0);
        byte[] clientNonce = range(32);
        byte[] serverNonce = range(64);
        byte[] serverHash = HexFormat.of().parseHex("3c8780ab52365c0d080750447e5f64dabc00428c6c434579c2043e18c1f85389");
        assertTrue(SafeCookie.serverHashMatches(cookie, clientNonce, serverNonce, serverHash));
        assertArrayEquals(HexFormat.of().parseHex("b47642df2d5abb84f69e6d02d41bed6b44aee33e69562528a82166fc98bc0b1e"),
                SafeCookie.clientHash(cookie, clientNonce, serverNonce));
        serverHash[31] ^= 1;
        assertFalse(SafeCookie.serverHashMatches(cookie, clientNonce, serverNonce, serverHash));
    }

    private static byte[] range(int from) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static TorEvent event(String text) {
        return EventParser.parse(new ControlReply(650, List.of(new ReplyLine(text))));
    }
}
