package org.veilswarm.tracker.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;

/**
 * Differential Jazzer target for {@link PlainRequestReader}, the tracker's own reader of plain requests, against
 * Netty's HTTP codec, which gets every stream the reader does not understand completely. The reader's promise is
 * to be stricter than the codec, never more lenient or different: whatever it accepts, the codec (with the same
 * limits) reads as one GET with the same target, the same keep-alive decision and no body. Also: nothing escapes
 * from either, the outcome does not depend on how the bytes arrive (whole, or in two pieces), and no buffer leaks.
 * A plain {@code mvn verify} runs the seeds in
 * {@code src/test/resources/org/veilswarm/tracker/impl/PlainRequestReaderFuzzTestInputs/} once; {@code JAZZER_FUZZ=1}
 * mutates (docs/fuzzing.md).
 */
class PlainRequestReaderFuzzTest {
    private static final TrackerSettings SETTINGS = TrackerSettings.DEFAULT;

    @FuzzTest(maxDuration = "60s")
    void acceptsOnlyWhatTheCodecReadsAlike(FuzzedDataProvider data) {
        int split = data.consumeInt(0, 1 << 14);
        byte[] input = data.consumeRemainingAsBytes();
        List<String> whole = read(input, input.length);
        List<String> pieces = read(input, Math.min(split, input.length));
        // Which of the two reads a request may depend on the split (the reader passes a request whose head ends
        // where a read ends, and hands over to the codec otherwise); which requests are read may not. Nor may
        // whether the stream is refused, except for bytes after the last request that do not make a request
        // yet: the codec refuses some at once, the reader waits for the rest of a head (the deadline ends that).
        assertEquals(requests(whole), requests(pieces), "the requests read depend on where the bytes were split (at "
                + split + "): " + whole + " / " + pieces);
        if (!whole.isEmpty() && whole.get(0).startsWith("plain ")) {
            List<String> codec = codecAlone(input);
            assertEquals(1, whole.size(), "a plain request is a whole input, nothing after it: " + whole);
            assertEquals(List.of(whole.get(0).replaceFirst("^plain ", "codec ")), codec,
                    "the reader accepted what the codec reads otherwise");
        }
    }

    /** The requests read, whoever read them; a refusal is the codec's last word on a stream. */
    private static List<String> requests(List<String> described) {
        for (int i = 0; i < described.size() - 1; i++) {
            assertTrue(!described.get(i).startsWith("codec failure"), "the codec read on after refusing: " + described);
        }
        return described.stream().filter(d -> !d.startsWith("codec failure"))
                .map(d -> d.replaceFirst("^(plain|codec) ", "")).toList();
    }

    /** What comes out of a stream that starts with the reader: each request described, in order. */
    private static List<String> read(byte[] input, int split) {
        EmbeddedChannel channel = new EmbeddedChannel(new PlainRequestReader(SETTINGS));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            if (split < input.length) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
            }
            channel.checkException();
            return drain(channel);
        } finally {
            close(channel);
        }
    }

    /** The codec as {@link PlainRequestReader} hands a stream to it, on the same bytes. */
    private static List<String> codecAlone(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(SETTINGS.maxRequestLine(),
                SETTINGS.maxHeaderBytes(), 8192), new HttpObjectAggregator(SETTINGS.maxBodyBytes(), true));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            channel.checkException();
            return drain(channel);
        } finally {
            close(channel);
        }
    }

    /** Closes the stream and frees what is left in it; a request the input ends inside of is no finding. */
    private static void close(EmbeddedChannel channel) {
        try {
            channel.finishAndReleaseAll();
        } catch (PrematureChannelClosureException endsInsideARequest) {
            // what the aggregator says when a stream closes mid-request; the tracker handler closes on it
        }
    }

    private static List<String> drain(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            try {
                out.add(describe(message));
            } finally {
                if (message instanceof ReferenceCounted counted) {
                    // A failed request carries Netty's shared empty buffer, which is never freed.
                    boolean shared = message instanceof FullHttpRequest r && r.content().capacity() == 0;
                    ReferenceCountUtil.release(message);
                    assertTrue(shared || counted.refCnt() == 0, "a message passed on holds another reference");
                }
            }
        }
        return out;
    }

    private static String describe(Object message) {
        if (message instanceof PlainRequest plain) {
            return "plain GET " + plain.target() + " keepAlive=" + plain.keepAlive() + " body=0";
        }
        if (message instanceof FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                return "codec failure " + request.decoderResult().cause().getClass().getSimpleName();
            }
            return "codec " + (request.method() == HttpMethod.GET ? "GET" : "method " + request.method()) + " "
                    + request.uri() + " keepAlive=" + HttpUtil.isKeepAlive(request) + " body="
                    + request.content().readableBytes();
        }
        throw new AssertionError("unexpected message " + message.getClass().getName());
    }
}
