package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.bencode.BencodeDecoder;
import org.veilswarm.bencode.BencodeDictionary;
import org.veilswarm.bencode.BencodeString;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A broken or malicious source: a proxy on 127.0.0.1 in front of a real node A that passes A's genuine answers
 * through, or spoils them. Whatever the proxy does, B's store stays exactly as it was for that batch, B says
 * why, and B recovers once the answers are honest again.
 */
class HostileSourceTest {
    static final MirrorSettings QUICK = MirrorSettings.DEFAULT
            .withLimits(MirrorLimits.DEFAULT.withMaxBatchBytes(8192))
            .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(200));

    enum Spoil {
        /** One bit of the signed document flipped. */
        FLIP_BIT("bad signature"),
        /** The document signed again by another key. */
        RESIGNED("bad signature"),
        /** A genuine earlier answer of A sent again. */
        REPLAYED("replayed"),
        /** Content-Length promises the whole answer; half of it arrives, then the stream closes. */
        TRUNCATED("truncated"),
        /** Random bytes. */
        GARBAGE("malformed signed change batch"),
        /** 100 KiB where the mirror accepts 8 KiB. */
        OVERSIZED("oversized"),
        /** No answer at all; the stream stays open. */
        STALLED("stalled");

        final String expectedError;

        Spoil(String expectedError) {
            this.expectedError = expectedError;
        }
    }

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(closeLater);
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    /** Passes requests to A's mirror source and answers as {@link #mode} says. */
    static final class Proxy extends ChannelInitializer<Channel> {
        final MirrorSource source;
        final AtomicReference<Spoil> mode = new AtomicReference<>();
        final AtomicReference<byte[]> lastHonestBatch = new AtomicReference<>();
        final TestIdentity attacker = new TestIdentity();

        Proxy(MirrorSource source) {
            this.source = source;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(4096),
                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                            boolean batch = request.uri().contains("/mirror/changes");
                            source.handle(request.method().name(), request.uri())
                                    .thenAccept(reply -> answer(ctx, reply, batch));
                        }
                    });
        }

        private void answer(ChannelHandlerContext ctx, MirrorSource.Reply reply, boolean batch) {
            Spoil spoil = mode.get();
            byte[] body = reply.body();
            if (spoil == null || reply.status() != 200) {
                if (batch && reply.status() == 200) {
                    lastHonestBatch.set(body);
                }
                send(ctx, reply.status(), body);
                return;
            }
            switch (spoil) {
                case FLIP_BIT -> {
                    byte[] spoilt = body.clone();
                    spoilt[spoilt.length / 3] ^= 0x01;
                    send(ctx, 200, spoilt);
                }
                case RESIGNED -> send(ctx, 200, SignedDocument.sign(batch ? SignedDocument.Kind.CHANGES
                        : SignedDocument.Kind.SNAPSHOT, document(body), attacker));
                case REPLAYED -> send(ctx, 200, lastHonestBatch.get());
                case TRUNCATED -> {
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    ctx.write(head);
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(body, 0, body.length / 2)))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                case GARBAGE -> {
                    byte[] noise = new byte[300];
                    new Random(7).nextBytes(noise);
                    send(ctx, 200, noise);
                }
                case OVERSIZED -> send(ctx, 200, new byte[100 * 1024]);
                case STALLED -> { }
            }
        }

        private static byte[] document(byte[] envelope) {
            try {
                BencodeDictionary d = BencodeDecoder.strict().decodeDictionary(envelope);
                return ((BencodeString) d.get("data").orElseThrow()).bytes();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private static void send(ChannelHandlerContext ctx, int status, byte[] body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private <T extends AutoCloseable> T later(T closeable) {
        closeLater.add(closeable);
        return closeable;
    }

    @ParameterizedTest
    @EnumSource(Spoil.class)
    void aSpoiltBatchLeavesTheStoreUntouchedAndTheMirrorRecovers(Spoil spoil) throws Exception {
        MirrorNode a = later(MirrorNode.memory()).listen();
        Proxy proxy = new Proxy(a.source);
        Listener proxyListener = a.engine.listen(null, 0, proxy).toCompletableFuture().get(10, TimeUnit.SECONDS);
        later(proxyListener::close);
        MirrorNode b = later(MirrorNode.memory());
        String token = a.newShare(Visibility.PRIVATE, MirrorLoopbackTest.HASH);
        a.store.putTorrent(MirrorLoopbackTest.record(MirrorLoopbackTest.HASH, "target"));
        a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, 1, AnnounceEvent.STARTED);
        a.feed.poll();
        MirrorLink viaProxy = MirrorLink.of(a.identity.address(), "http://127.0.0.1:" + proxyListener.address().port()
                + MirrorScope.prefix(Visibility.PRIVATE, token));
        TrackerMirror mirror = later(new TrackerMirror(viaProxy, b.engine::connect, b.store, b.identity,
                new MirrorCursorFile(dir.resolve("cursor")), QUICK, s -> { }).start());
        // Synchronised; for a replay, also one honest (empty, after the 1 s long poll) batch that the proxy keeps.
        long batchesNeeded = spoil == Spoil.REPLAYED ? 1 : 0;
        MirrorLoopbackTest.awaitNanos("honest copy", () -> mirror.status().batches() >= batchesNeeded
                && mirror.status().sequence() == a.store.headSequence());
        long storeHead = b.store.headSequence();
        long rejectedBefore = mirror.status().rejected();

        proxy.mode.set(spoil);
        a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, 2, AnnounceEvent.STARTED);
        MirrorLoopbackTest.awaitNanos(spoil + " refused", () -> mirror.status().rejected() > rejectedBefore);
        String error = mirror.status().lastError().orElseThrow();
        assertTrue(error.contains(spoil.expectedError), spoil + " gave: " + error);
        assertEquals(storeHead, b.store.headSequence(), "nothing applied from a refused answer");
        assertEquals(1, MirrorLoopbackTest.peers(b.store, MirrorLoopbackTest.HASH));

        proxy.mode.set(null);
        MirrorLoopbackTest.awaitNanos("recovered", () -> MirrorLoopbackTest.peers(b.store,
                MirrorLoopbackTest.HASH) == 2);
        assertEquals(0, mirror.status().snapshots() - 1, "recovery continued the feed, no second snapshot");
    }

    @Test
    void aSnapshotSignedByAnotherKeyIsRefusedWhole() throws Exception {
        MirrorNode a = later(MirrorNode.memory()).listen();
        MirrorNode b = later(MirrorNode.memory());
        String token = a.newShare(Visibility.PRIVATE, MirrorLoopbackTest.HASH);
        a.store.putTorrent(MirrorLoopbackTest.record(MirrorLoopbackTest.HASH, "target"));
        a.announce(Visibility.PRIVATE, token, MirrorLoopbackTest.HASH, 1, AnnounceEvent.STARTED);
        // B believes the share lives at some other node's address: A's signature cannot match that key.
        MirrorLink impostor = MirrorLink.of(new TestIdentity().address(), a.shareUrl(Visibility.PRIVATE, token));
        TrackerMirror mirror = later(new TrackerMirror(impostor, b.engine::connect, b.store, b.identity,
                new MirrorCursorFile(dir.resolve("cursor")), QUICK, s -> { }).start());
        MirrorLoopbackTest.awaitNanos("refused", () -> mirror.status().rejected() > 0);
        assertTrue(mirror.status().lastError().orElseThrow().contains("bad signature on snapshot"));
        assertEquals(0, b.store.headSequence());
        assertEquals(0, b.store.statistics().torrents());
        assertTrue(mirror.status().epoch().isEmpty());
    }
}
