package org.veilswarm.tracker.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The first handler of a tracker stream: reads the plain requests almost every client sends — one
 * {@code GET .../announce} or {@code .../scrape} with a short header block and no body, not pipelined —
 * straight from the received bytes, and passes each on as a {@link PlainRequest}. Anything else (another path,
 * method or version, a body, an obsolete line folding, a control byte, a line or header block over the
 * limits, bytes after the request) makes it hand the stream to Netty's HTTP codec for good: it inserts the
 * decoder, encoder and aggregator behind itself, passes them every byte it holds, and leaves. So every
 * request the fast reader does not understand completely gets exactly the answers the codec gives (400, 414,
 * 431, 413, mirroring), and the codec's objects are built only for the streams that need them.
 *
 * <p>Why: with one connection per announce (what BitTorrent clients do), building the codec's pipeline,
 * header maps and aggregated request for every stream was a large part of an announce's cost
 * (docs/performance.md, "Tracker announces"). The request line and headers are checked as RFC 9112 §3 and
 * §5 write them; the reader is stricter than the codec, never more lenient.
 */
final class PlainRequestReader extends ChannelInboundHandlerAdapter {
    static final String NAME = "plain-request";
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final TrackerSettings settings;
    /** Bytes of an incomplete request head, or null. */
    private ByteBuf held;

    PlainRequestReader(TrackerSettings settings) {
        this.settings = settings;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf bytes = in;
        if (held != null) {
            held.writeBytes(in);
            in.release();
            bytes = held;
            held = null;
        }
        // One copy of the bytes to parse, not a ByteBuf call per byte: cheaper, and bounded by the limits below.
        byte[] head = new byte[bytes.readableBytes()];
        bytes.getBytes(bytes.readerIndex(), head);
        int headEnd = endOfHead(head);
        if (headEnd < 0) {
            if (head.length > settings.maxRequestLine() + settings.maxHeaderBytes()) {
                handOver(ctx, bytes); // the codec answers 414 or 431
                return;
            }
            held = bytes == in ? ctx.alloc().buffer(Math.max(512, head.length * 2)).writeBytes(bytes) : bytes;
            if (bytes == in) {
                in.release();
            }
            return;
        }
        PlainRequest request = headEnd == head.length ? parse(head, headEnd) : null;
        if (request == null) {
            handOver(ctx, bytes);
            return;
        }
        bytes.release();
        ctx.fireChannelRead(request);
    }

    /** Index just after the blank line ending the head, or -1 if it has not all arrived. */
    private static int endOfHead(byte[] b) {
        for (int i = 3; i < b.length; i++) {
            if (b[i] == LF && b[i - 1] == CR && b[i - 2] == LF && b[i - 3] == CR) {
                return i + 1;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** The request if it is a plain one the tracker answers itself, else null (the codec takes over). */
    private PlainRequest parse(byte[] b, int headEnd) {
        int lineEnd = indexOf(b, 0, headEnd, LF) - 1; // at the CR (the head ends with CRLF CRLF)
        if (lineEnd < 0 || lineEnd > settings.maxRequestLine() || headEnd - lineEnd - 2 > settings.maxHeaderBytes()
                || b[lineEnd] != CR) {
            return null;
        }
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3); only GET is plain.
        if (lineEnd < 4 || !(b[0] == 'G' && b[1] == 'E' && b[2] == 'T' && b[3] == ' ')) {
            return null;
        }
        int targetStart = 4;
        int targetEnd = indexOf(b, targetStart, lineEnd, (byte) ' ');
        if (targetEnd <= targetStart || lineEnd - targetEnd != 9) {
            return null;
        }
        boolean http11;
        if (isVersion(b, targetEnd + 1, '1')) {
            http11 = true;
        } else if (isVersion(b, targetEnd + 1, '0')) {
            http11 = false;
        } else {
            return null;
        }
        for (int i = targetStart; i < targetEnd; i++) {
            if (b[i] <= 0x20 || b[i] >= 0x7F) {
                return null;
            }
        }
        String uri = new String(b, targetStart, targetEnd - targetStart, java.nio.charset.StandardCharsets.US_ASCII);
        if (!isTrackerAction(uri)) {
            return null;
        }
        Boolean keepAlive = headers(b, lineEnd + 2, headEnd - 2, http11);
        return keepAlive == null ? null : new PlainRequest(uri, keepAlive);
    }

    private static boolean isVersion(byte[] b, int at, char minor) {
        return b[at] == 'H' && b[at + 1] == 'T' && b[at + 2] == 'T' && b[at + 3] == 'P' && b[at + 4] == '/'
                && b[at + 5] == '1' && b[at + 6] == '.' && b[at + 7] == minor;
    }

    /** {@code /<x>/<y>/announce} or {@code /<x>/<y>/scrape}, optionally with a query: the tracker's own paths. */
    private static boolean isTrackerAction(String uri) {
        int question = uri.indexOf('?');
        int pathEnd = question < 0 ? uri.length() : question;
        if (uri.charAt(0) != '/') {
            return false;
        }
        int second = uri.indexOf('/', 1);
        int third = second < 0 || second >= pathEnd ? -1 : uri.indexOf('/', second + 1);
        if (third < 0 || third >= pathEnd || uri.lastIndexOf('/', pathEnd - 1) != third) {
            return false;
        }
        int length = pathEnd - third - 1;
        return length == 8 && uri.startsWith("announce", third + 1) || length == 6 && uri.startsWith("scrape", third + 1);
    }

    /**
     * Checks the header fields between {@code from} and {@code to} (each {@code name: value CRLF}, RFC 9112 §5)
     * and returns whether the stream stays open after the answer (RFC 9112 §9.3), or null if a field is not
     * plain: no name, a control byte, a folded line, or a body announced by {@code Content-Length} other than 0
     * or by {@code Transfer-Encoding}.
     */
    private static Boolean headers(byte[] b, int from, int to, boolean http11) {
        boolean close = false;
        boolean keepAlive = false;
        int line = from;
        while (line < to) {
            int end = indexOf(b, line, to, LF);
            if (end < 0 || b[end - 1] != CR) {
                return null;
            }
            int colon = -1;
            for (int i = line; i < end - 1; i++) {
                byte c = b[i];
                if (c == ':' && colon < 0) {
                    colon = i;
                } else if (c < 0x20 && c != '\t' || c == 0x7F || colon < 0 && !isTokenChar(c)) {
                    return null;
                }
            }
            if (colon <= line) {
                return null; // no name, or a line starting with white space (obsolete folding, §5.2)
            }
            int nameLength = colon - line;
            if (nameIs(b, line, nameLength, "connection")) {
                String value = value(b, colon + 1, end - 1);
                for (String option : value.split(",")) {
                    String o = option.strip();
                    close |= o.equalsIgnoreCase("close");
                    keepAlive |= o.equalsIgnoreCase("keep-alive");
                }
            } else if (nameIs(b, line, nameLength, "content-length")) {
                if (!value(b, colon + 1, end - 1).equals("0")) {
                    return null;
                }
            } else if (nameIs(b, line, nameLength, "transfer-encoding")) {
                return null;
            }
            line = end + 1;
        }
        return !close && (http11 || keepAlive);
    }

    private static boolean isTokenChar(byte c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static boolean nameIs(byte[] b, int at, int length, String lowerCaseName) {
        if (length != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int c = b[at + i];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String value(byte[] b, int from, int to) {
        return new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
    }

    /** Puts Netty's HTTP codec behind this reader, gives it {@code bytes} and everything after, and leaves. */
    private void handOver(ChannelHandlerContext ctx, ByteBuf bytes) {
        TrackerSettings s = settings;
        String self = ctx.name(); // NAME in the tracker's pipeline; whatever a test or another pipeline chose
        // Decoder and encoder apart rather than HttpServerCodec: the tracker handler writes its answers as
        // ready bytes past the encoder (TrackerResponseBytes), and the server codec would queue every
        // request's method for a response it never sees.
        ctx.pipeline().addAfter(self, TrackerServerInitializer.AGGREGATOR, new HttpObjectAggregator(s.maxBodyBytes(),
                true));
        ctx.pipeline().addAfter(self, TrackerServerInitializer.RESPONSE_ENCODER, new HttpResponseEncoder());
        ctx.pipeline().addAfter(self, TrackerServerInitializer.DECODER, new HttpRequestDecoder(s.maxRequestLine(),
                s.maxHeaderBytes(), 8192));
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(bytes);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
