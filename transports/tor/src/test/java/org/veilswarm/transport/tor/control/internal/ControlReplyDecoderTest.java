package org.veilswarm.transport.tor.control.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.tor.control.ControlLimits;
import org.veilswarm.transport.tor.control.ControlProtocolException;
import org.veilswarm.transport.tor.control.ControlProtocolException.Reason;
import org.veilswarm.transport.tor.control.ControlReply;
import org.veilswarm.transport.tor.control.ReplyLine;

/** control-spec §2.3 reply framing, fed whole, in odd chunks and one byte at a time. */
class ControlReplyDecoderTest {

    /** Recorded from tor 0.4.9.11 (DisableNetwork 1): PROTOCOLINFO, GETINFO with a data reply, then BW events. */
    static final String RECORDED = "250-PROTOCOLINFO 1\r\n"
            + "250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/tmp/tortry/data/control_auth_cookie\"\r\n"
            + "250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n"
            + "250-version=0.4.9.11\r\n250-config-file=/tmp/tortry/torrc\r\n"
            + "250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=0 TAG=starting SUMMARY=\"Starting\"\r\n"
            + "250+config-text=\r\nContactInfo a b \"q\" c\r\nControlPort 127.0.0.1:auto\r\nDisableNetwork 1\r\nSocksPort 0\r\n.\r\n"
            + "250 OK\r\n"
            + "250 OK\r\n650 BW 0 0\r\n650 BW 0 0\r\n";

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 64, 100_000})
    void recordedSessionDecodesTheSameInAnyChunking(int chunk) {
        List<ControlReply> replies = Decoding.decode(RECORDED, chunk);
        assertEquals(5, replies.size());
        assertEquals(new ControlReply(250, List.of(new ReplyLine("PROTOCOLINFO 1"),
                new ReplyLine("AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/tmp/tortry/data/control_auth_cookie\""),
                new ReplyLine("VERSION Tor=\"0.4.9.11\""), new ReplyLine("OK"))), replies.get(0));
        ControlReply info = replies.get(1);
        assertEquals(5, info.lines().size());
        assertEquals("config-text=", info.lines().get(3).text());
        assertEquals("ContactInfo a b \"q\" c\nControlPort 127.0.0.1:auto\nDisableNetwork 1\nSocksPort 0",
                info.lines().get(3).data().orElseThrow());
        assertEquals("OK", info.lastText());
        assertEquals(new ControlReply(250, List.of(new ReplyLine("OK"))), replies.get(2));
        assertTrue(replies.get(3).isAsync());
        assertEquals("BW 0 0", replies.get(4).firstText());
    }

    @Test
    void dataBlockIsDotUnstuffedAndKeepsEmptyLines() {
        String input = "250+k=\r\n..hidden\r\n\r\n..\r\n...\r\nlast\r\n.\r\n250 OK\r\n";
        ControlReply reply = Decoding.decode(input, 1).get(0);
        assertEquals(".hidden\n\n.\n..\nlast", reply.lines().get(0).data().orElseThrow());
    }

    @Test
    void emptyDataBlock() {
        ControlReply reply = Decoding.decode("250+k=\r\n.\r\n250 OK\r\n", 1).get(0);
        assertEquals("", reply.lines().get(0).data().orElseThrow());
    }

    @Test
    void bareLineFeedsAreAccepted() {
        List<ControlReply> replies = Decoding.decode("250-a=1\n250 OK\n", 1);
        assertEquals(List.of(new ReplyLine("a=1"), new ReplyLine("OK")), replies.get(0).lines());
    }

    @Test
    void eventInterleavedInsideACommandReplyComesOutSeparatelyAndTheReplyStaysWhole() {
        String input = "250-a=1\r\n650 BW 5 6\r\n250-b=2\r\n650+NOTICE\r\nline one\r\nline two\r\n.\r\n650 OK\r\n250 OK\r\n";
        List<ControlReply> replies = Decoding.decode(input, 1);
        assertEquals(3, replies.size());
        assertEquals(new ControlReply(650, List.of(new ReplyLine("BW 5 6"))), replies.get(0));
        assertEquals(new ControlReply(650, List.of(new ReplyLine("NOTICE", "line one\nline two"), new ReplyLine("OK"))),
                replies.get(1));
        assertEquals(new ControlReply(250, List.of(new ReplyLine("a=1"), new ReplyLine("b=2"), new ReplyLine("OK"))),
                replies.get(2));
    }

    @Test
    void failureReplyKeepsItsCode() {
        ControlReply reply = Decoding.decode("552 Unrecognized key \"nosuch\"\r\n", 3).get(0);
        assertEquals(552, reply.status());
        assertFalse(reply.isSuccess());
        assertEquals("Unrecognized key \"nosuch\"", reply.firstText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc OK\r\n", "2x0 OK\r\n", "25\r\n", "-50 OK\r\n", "099 OK\r\n", "700 OK\r\n", " 250 OK\r\n", "\r\n"})
    void garbageStatusCodes(String input) {
        assertReason(Reason.BAD_STATUS_CODE, input);
    }

    @ParameterizedTest
    @ValueSource(strings = {"250xOK\r\n", "250\r\n", "250_OK\r\n", "250\tOK\r\n"})
    void badSeparators(String input) {
        assertReason(Reason.MALFORMED_LINE, input);
    }

    @Test
    void mixedStatusCodesWithinOneReply() {
        assertReason(Reason.MIXED_STATUS_CODES, "250-a=1\r\n251 OK\r\n");
        assertReason(Reason.MIXED_STATUS_CODES, "650-CIRC 1 BUILT\r\n651 OK\r\n");
    }

    @Test
    void dataReplyWithoutTerminator() {
        ControlProtocolException e = assertReason(Reason.MISSING_TERMINATOR, "250+config-text=\r\nSocksPort 0\r\n");
        assertTrue(e.getMessage().contains("data block"), e.getMessage());
    }

    @Test
    void replyWithoutEndLineOrLineWithoutCrlf() {
        assertReason(Reason.MISSING_TERMINATOR, "250-version=0.4.9.11\r\n");
        assertReason(Reason.MISSING_TERMINATOR, "250 O");
    }

    @Test
    void oversizedLineIsRefusedBeforeItsEndArrives() {
        ControlLimits limits = new ControlLimits(64, 1024);
        byte[] input = ("250 " + "x".repeat(200)).getBytes(StandardCharsets.US_ASCII);
        ControlProtocolException e = assertThrows(ControlProtocolException.class, () -> Decoding.decode(input, 1, limits));
        assertEquals(Reason.LINE_TOO_LONG, e.reason());
    }

    @Test
    void lineOfExactlyTheLimitPasses() {
        ControlLimits limits = new ControlLimits(64, 1024);
        String line = "250 " + "x".repeat(60);
        List<ControlReply> replies = Decoding.decode((line + "\r\n").getBytes(StandardCharsets.US_ASCII), 1, limits);
        assertEquals("x".repeat(60), replies.get(0).firstText());
        assertThrows(ControlProtocolException.class,
                () -> Decoding.decode((line + "x\r\n").getBytes(StandardCharsets.US_ASCII), 1, limits));
    }

    @Test
    void oversizedReplyMadeOfShortLines() {
        ControlLimits limits = new ControlLimits(64, 1024);
        String input = "250+k=\r\n" + "0123456789\r\n".repeat(200) + ".\r\n250 OK\r\n";
        ControlProtocolException e = assertThrows(ControlProtocolException.class,
                () -> Decoding.decode(input.getBytes(StandardCharsets.US_ASCII), 5, limits));
        assertEquals(Reason.REPLY_TOO_LARGE, e.reason());
    }

    @Test
    void afterAnErrorNothingMoreIsDecoded() {
        EmbeddedChannel channel = new EmbeddedChannel(new ControlReplyDecoder());
        assertThrows(ControlProtocolException.class,
                () -> channel.writeInbound(Unpooled.copiedBuffer("xyz\r\n", StandardCharsets.US_ASCII)));
        channel.writeInbound(Unpooled.copiedBuffer("250 OK\r\n", StandardCharsets.US_ASCII));
        assertNull(channel.readInbound());
        channel.finishAndReleaseAll();
    }

    private static ControlProtocolException assertReason(Reason reason, String input) {
        for (int chunk : new int[] {1, input.length() + 1}) {
            ControlProtocolException e = assertThrows(ControlProtocolException.class, () -> Decoding.decode(input, chunk),
                    "chunk " + chunk);
            assertEquals(reason, e.reason(), e.getMessage());
        }
        return assertThrows(ControlProtocolException.class, () -> Decoding.decode(input, 1));
    }
}
