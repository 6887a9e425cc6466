package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/** The hand-built response bytes are a well-formed HTTP/1.1 response, read back with Netty's own decoder. */
class TrackerResponseBytesTest {
    private static FullHttpResponse parse(ByteBuf bytes) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        client.writeInbound(bytes);
        FullHttpResponse response = client.readInbound();
        assertNull(client.readInbound(), "exactly one response");
        client.finishAndReleaseAll();
        return response;
    }

    @Test
    void anAnnounceAnswerKeptAliveHasItsLengthTypeAndNoCloseHeader() {
        byte[] body = "d8:intervali1800ee".getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = parse(TrackerResponseBytes.encode(UnpooledByteBufAllocator.DEFAULT,
                HttpResponseStatus.OK, body, true));
        try {
            assertTrue(r.decoderResult().isSuccess());
            assertEquals(200, r.status().code());
            assertEquals(String.valueOf(body.length), r.headers().get("Content-Length"));
            assertEquals("text/plain", r.headers().get("Content-Type"));
            assertEquals("no-store", r.headers().get("Cache-Control"));
            assertTrue(HttpUtil.isKeepAlive(r));
            assertArrayEquals(body, ByteBufUtil.getBytes(r.content()));
        } finally {
            r.release();
        }
    }

    @Test
    void closingAndErrorAnswersSayCloseAndA503SaysWhenToRetry() {
        for (int length : new int[] {0, 9, 10, 99, 100, 12_345}) {
            byte[] body = new byte[length];
            FullHttpResponse r = parse(TrackerResponseBytes.encode(UnpooledByteBufAllocator.DEFAULT,
                    HttpResponseStatus.SERVICE_UNAVAILABLE, body, false));
            try {
                assertEquals(503, r.status().code());
                assertEquals("Service Unavailable", r.status().reasonPhrase());
                assertEquals(String.valueOf(length), r.headers().get("content-length"));
                assertEquals("5", r.headers().get("Retry-After"));
                assertFalse(HttpUtil.isKeepAlive(r));
                assertEquals(length, r.content().readableBytes());
            } finally {
                r.release();
            }
        }
        FullHttpResponse notFound = parse(TrackerResponseBytes.encode(UnpooledByteBufAllocator.DEFAULT,
                HttpResponseStatus.NOT_FOUND, new byte[3], true));
        assertEquals(404, notFound.status().code());
        assertNull(notFound.headers().get("Retry-After"));
        notFound.release();
    }
}
