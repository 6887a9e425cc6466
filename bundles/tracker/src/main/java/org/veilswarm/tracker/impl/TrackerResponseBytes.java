package org.veilswarm.tracker.impl;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A tracker answer as the bytes of an HTTP/1.1 response (RFC 9112 §4, §6), written in one buffer: a header
 * block built once per status and connection disposition, the {@code Content-Length} digits, and the body.
 * Announces are answered by the thousand per second with the same few headers, so building a header map and
 * running the generic response encoder for each one is wasted work.
 */
final class TrackerResponseBytes {
    private static final byte[] OK_KEEP_ALIVE = head(HttpResponseStatus.OK, true);
    private static final byte[] OK_CLOSE = head(HttpResponseStatus.OK, false);
    private static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private TrackerResponseBytes() {
    }

    /** The whole response in a buffer from {@code alloc}; the caller writes (and so releases) it. */
    static ByteBuf encode(ByteBufAllocator alloc, HttpResponseStatus status, byte[] body, boolean keepAlive) {
        byte[] head = status.code() == 200 ? (keepAlive ? OK_KEEP_ALIVE : OK_CLOSE) : head(status, keepAlive);
        ByteBuf out = alloc.buffer(head.length + 10 + END_OF_HEADERS.length + body.length);
        out.writeBytes(head);
        writeDecimal(out, body.length);
        out.writeBytes(END_OF_HEADERS);
        out.writeBytes(body);
        return out;
    }

    /** Status line and every header but the length, ending with {@code content-length: } (value follows). */
    private static byte[] head(HttpResponseStatus status, boolean keepAlive) {
        StringBuilder s = new StringBuilder(160).append("HTTP/1.1 ").append(status.code()).append(' ')
                .append(status.reasonPhrase()).append("\r\n")
                .append("content-type: text/plain\r\n")
                .append("cache-control: no-store\r\n");
        if (status.code() == 503) {
            // RFC 9110 §10.2.3: a hint for clients that honour it; ours back off anyway.
            s.append("retry-after: 5\r\n");
        }
        if (!keepAlive) {
            s.append("connection: close\r\n");
        }
        return s.append("content-length: ").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeDecimal(ByteBuf out, int value) {
        if (value >= 10) {
            writeDecimal(out, value / 10);
        }
        out.writeByte('0' + value % 10);
    }
}
