package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.ScrapeResponse;
import org.veilswarm.tracker.protocol.TrackerFailureException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/** The server pipeline, driven byte by byte through an EmbeddedChannel that looks like a TCP stream. */
class TrackerServerEmbeddedTest {
    private final TrackerFixture fixture = new TrackerFixture(TrackerSettings.DEFAULT.withRequestTimeout(
            Duration.ofSeconds(5)));
    private EmbeddedChannel server;

    /** An EmbeddedChannel whose peer is 127.0.0.1:40000, like an accepted direct-transport stream. */
    private EmbeddedChannel newServer(SocketAddress remote) {
        EmbeddedChannel ch = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        ch.freezeTime();
        ch.pipeline().addLast(new TrackerServerInitializer(fixture.service));
        return ch;
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.finishAndReleaseAll();
        }
    }

    /** Sends raw request bytes and decodes whatever the server wrote back into one response. */
    private Response exchange(String raw) {
        if (server == null) {
            server = newServer(new InetSocketAddress("127.0.0.1", 40000));
        }
        server.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        return readResponse();
    }

    private Response readResponse() {
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
        try {
            // The client codec must have seen a request to decode a response.
            client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
                    io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/"));
            ByteBuf ignored;
            while ((ignored = client.readOutbound()) != null) {
                ignored.release();
            }
            ByteBuf out;
            while ((out = server.readOutbound()) != null) {
                client.writeInbound(out);
            }
            FullHttpResponse response = client.readInbound();
            assertTrue(response != null, "the server answered");
            try {
                return new Response(response.status().code(), ByteBufUtil.getBytes(response.content()),
                        response.headers().get("Connection"));
            } finally {
                response.release();
            }
        } finally {
            client.finishAndReleaseAll();
        }
    }

    private record Response(int status, byte[] body, String connection) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: tracker\r\n\r\n";
    }

    @Test
    void announceAnswersWithCompactPeersAndRecordsTheConnectionAddress() throws Exception {
        Response first = exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 7001, 0,
                "&event=started")));
        assertEquals(200, first.status());
        AnnounceResponse parsed = AnnounceResponse.parse(first.body());
        assertEquals(1800, parsed.interval());
        assertEquals(900, parsed.minInterval());
        assertEquals(List.of(), parsed.peers(), "never the announcing peer itself");
        assertEquals(1, parsed.complete());

        Response second = exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(2, 7002, 10, "")));
        assertEquals(List.of(new TransportAddress("127.0.0.1", 7001)), AnnounceResponse.parse(second.body()).peers());
        assertNull(second.connection(), "HTTP/1.1 keeps the stream open");
        assertEquals(Map.of(TrackerFixture.HASH, new SwarmCounts(1, 1, 0)),
                fixture.store.scrape(List.of(TrackerFixture.HASH)));
    }

    @Test
    void onionPeersComeBackInPeersOnion() throws Exception {
        String label = org.veilswarm.api.node.OnionAddress.fromPublicKey(new byte[32]).label();
        exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 443, 5, "&onion=" + label)));
        Response r = exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(2, 7002, 5, "")));
        assertTrue(r.text().contains("11:peers_onion34:"), r.text());
        assertEquals(List.of(new TransportAddress(label + ".onion", 443)), AnnounceResponse.parse(r.body()).peers());
    }

    @Test
    void anAnonymousStreamMustNameItsOnion() throws Exception {
        server = newServer(null);
        Response r = exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 443, 5, "")));
        assertEquals(200, r.status());
        TrackerFailureException e = assertThrows(TrackerFailureException.class, () -> AnnounceResponse.parse(r.body()));
        assertTrue(e.reason().contains("onion="), e.reason());
    }

    @Test
    void compactZeroGivesTheDictionaryForm() throws Exception {
        exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 7001, 5, "")));
        Response r = exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(2, 7002, 5,
                "&compact=0")));
        assertTrue(r.text().contains("5:peersld2:ip9:127.0.0.17:peer id20:-VS0001-0000000000014:porti7001eee"),
                r.text());
    }

    @Test
    void everyUnroutablePathGetsTheSame404() {
        String query = "?" + TrackerFixture.announceQuery(1, 7001, 5, "");
        String unknown = "/public/" + "A".repeat(43) + "/announce";
        String wrongSuffix = "/public/" + fixture.publicToken + "/announce2";
        String wrongVisibility = "/private/" + fixture.publicToken + "/announce";
        String shortToken = "/public/abc/announce";
        List<String> paths = List.of(unknown, wrongSuffix, wrongVisibility, shortToken, "/announce", "/",
                "/public/" + fixture.publicToken + "/announce/extra", "/public/" + fixture.publicToken + "/");
        byte[] expected = null;
        for (String path : paths) {
            server = null;
            Response r = exchange(get(path + query));
            assertEquals(404, r.status(), path);
            if (expected == null) {
                expected = r.body();
            }
            assertArrayEquals(expected, r.body(), path);
            server.finishAndReleaseAll();
        }
        server = null;
    }

    @Test
    void malformedQueriesGetAFailureReasonWith200() throws Exception {
        String[] bad = {"info_hash=%zz", TrackerFixture.announceQuery(1, 7001, 5, "&port=1"),
            TrackerFixture.announceQuery(1, 70000, 5, ""), "", TrackerFixture.announceQuery(1, 7001, 5, "&event=x")};
        for (String query : bad) {
            Response r = exchange(get(fixture.announcePath() + "?" + query));
            assertEquals(200, r.status(), query);
            assertThrows(TrackerFailureException.class, () -> AnnounceResponse.parse(r.body()), query);
        }
        Response other = exchange(get(fixture.announcePath() + "?"
                + TrackerFixture.announceQuery(1, 7001, 5, "").replace(TrackerFixture.HASH_Q,
                        "%89%ab%cd%ef%01%23%45%67%89%ab%cd%ef%01%23%45%67%89%ab%cd%ef")));
        TrackerFailureException e = assertThrows(TrackerFailureException.class,
                () -> AnnounceResponse.parse(other.body()));
        assertTrue(e.reason().contains("does not track"), e.reason());
        assertEquals(6, fixture.service.failures());
    }

    @Test
    void scrapeReportsTheSharesTorrentsOnly() throws Exception {
        String priv = "/private/" + fixture.privateToken;
        exchange(get(priv + "/announce?" + TrackerFixture.announceQuery(1, 7001, 0, "&event=completed")));
        Response r = exchange(get(priv + "/scrape?info_hash=" + TrackerFixture.HASH_Q
                + "&info_hash=%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00"));
        assertEquals(Map.of(TrackerFixture.HASH, new SwarmCounts(1, 0, 1)), ScrapeResponse.parse(r.body()));
        Map<InfoHash, SwarmCounts> all = ScrapeResponse.parse(exchange(get(priv + "/scrape")).body());
        assertEquals(Map.of(TrackerFixture.HASH, new SwarmCounts(1, 0, 1), TrackerFixture.OTHER,
                new SwarmCounts(0, 0, 0)), all);
    }

    @Test
    void otherMethodsOnAShareAreRefused() {
        Response r = exchange("POST " + fixture.announcePath() + " HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
        assertEquals(405, r.status());
    }

    @Test
    void anOversizedRequestLineGets414AndTheStreamCloses() {
        Response r = exchange(get(fixture.announcePath() + "?" + "x=".repeat(3000)));
        assertEquals(414, r.status());
        assertEquals("close", r.connection());
        assertFalse(server.isOpen());
    }

    @Test
    void oversizedHeadersGet431AndTheStreamCloses() {
        Response r = exchange("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n");
        assertEquals(431, r.status());
        assertFalse(server.isOpen());
    }

    @Test
    void aBodyAboveTheLimitGets413() {
        Response r = exchange("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + "z".repeat(5000));
        assertEquals(413, r.status());
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        Response r = exchange("GET " + fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 7001, 5, "")
                + " HTTP/1.0\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("close", r.connection());
        assertFalse(server.isOpen());
    }

    @Test
    void aStreamThatDoesNotFinishItsRequestInTimeIsClosed() {
        server = newServer(new InetSocketAddress("127.0.0.1", 40000));
        server.writeInbound(Unpooled.copiedBuffer("GET " + fixture.announcePath(), StandardCharsets.US_ASCII));
        server.advanceTimeBy(4, TimeUnit.SECONDS);
        server.runScheduledPendingTasks();
        server.writeInbound(Unpooled.copiedBuffer("?info", StandardCharsets.US_ASCII));
        assertTrue(server.isOpen(), "still within the deadline");
        server.advanceTimeBy(2, TimeUnit.SECONDS);
        server.runScheduledPendingTasks();
        assertFalse(server.isOpen(), "trickling bytes does not extend the deadline");
    }

    @Test
    void anIdleKeepAliveStreamIsClosedAfterTheDeadline() {
        exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 7001, 5, "")));
        assertTrue(server.isOpen());
        server.advanceTimeBy(6, TimeUnit.SECONDS);
        server.runScheduledPendingTasks();
        assertFalse(server.isOpen());
    }

    /** Whatever the server wrote back, as {@code count} responses. */
    private List<Response> readResponses(int count) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
        try {
            for (int i = 0; i < count; i++) {
                client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
                        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET,
                        "/"));
            }
            ByteBuf ignored;
            while ((ignored = client.readOutbound()) != null) {
                ignored.release();
            }
            ByteBuf out;
            while ((out = server.readOutbound()) != null) {
                client.writeInbound(out);
            }
            List<Response> responses = new java.util.ArrayList<>();
            FullHttpResponse response;
            while ((response = client.readInbound()) != null) {
                responses.add(new Response(response.status().code(), ByteBufUtil.getBytes(response.content()),
                        response.headers().get("Connection")));
                response.release();
            }
            assertEquals(count, responses.size(), "responses written");
            return responses;
        } finally {
            client.finishAndReleaseAll();
        }
    }

    @Test
    void plainAnnouncesSkipTheHttpCodecAndAnythingElseIsHandedToItWithTheSameAnswers() throws Exception {
        String query = TrackerFixture.announceQuery(1, 7001, 5, "");
        Response plain = exchange(get(fixture.announcePath() + "?" + query));
        assertEquals(200, plain.status());
        assertNull(server.pipeline().get(TrackerServerInitializer.DECODER), "a plain announce needs no codec");
        assertNull(server.pipeline().get(TrackerServerInitializer.AGGREGATOR));

        // A body (even an empty chunked one) is not plain: Netty's codec reads it, and answers the same way.
        Response chunked = exchange("GET " + fixture.announcePath() + "?" + TrackerFixture.announceQuery(2, 7002, 5,
                "") + " HTTP/1.1\r\nHost: tracker\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertEquals(200, chunked.status());
        assertTrue(server.pipeline().get(TrackerServerInitializer.DECODER) != null, "the codec took the stream over");
        assertNull(server.pipeline().get(PlainRequestReader.NAME));
        assertEquals(List.of(new TransportAddress("127.0.0.1", 7001)), AnnounceResponse.parse(chunked.body()).peers());
        Response after = exchange(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(3, 7003, 0, "")));
        assertEquals(2, AnnounceResponse.parse(after.body()).peers().size(), "the codec serves the stream on");
    }

    @Test
    void aRequestArrivingInPiecesAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
        server = newServer(new InetSocketAddress("127.0.0.1", 40000));
        String first = get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 7001, 5, ""));
        for (int i = 0; i < first.length(); i += 7) {
            server.writeInbound(Unpooled.copiedBuffer(first.substring(i, Math.min(first.length(), i + 7)),
                    StandardCharsets.ISO_8859_1));
        }
        assertEquals(200, readResponse().status());
        assertNull(server.pipeline().get(TrackerServerInitializer.DECODER), "pieces of a plain request stay plain");

        // Two requests in one read: the second one must not be lost or answered first.
        server.writeInbound(Unpooled.copiedBuffer(get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(2,
                7002, 5, "")) + get(fixture.announcePath() + "?" + TrackerFixture.announceQuery(3, 7003, 5, "")),
                StandardCharsets.ISO_8859_1));
        List<Response> both = readResponses(2);
        assertEquals(1, AnnounceResponse.parse(both.get(0).body()).peers().size(), "peer 2 sees peer 1");
        assertEquals(2, AnnounceResponse.parse(both.get(1).body()).peers().size(), "peer 3 sees peers 1 and 2");
    }

    @Test
    void connectionHeadersDecideWhetherThePlainStreamStaysOpen() {
        Response kept = exchange("GET " + fixture.announcePath() + "?" + TrackerFixture.announceQuery(1, 7001, 5, "")
                + " HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        assertEquals(200, kept.status());
        assertTrue(server.isOpen(), "HTTP/1.0 with keep-alive stays open");
        Response closed = exchange("GET " + fixture.announcePath() + "?" + TrackerFixture.announceQuery(2, 7002, 5, "")
                + " HTTP/1.1\r\nHost: x\r\nconnection: TE, close\r\n\r\n");
        assertEquals(200, closed.status());
        assertEquals("close", closed.connection());
        assertFalse(server.isOpen(), "HTTP/1.1 with close is closed after the answer");
    }
}
