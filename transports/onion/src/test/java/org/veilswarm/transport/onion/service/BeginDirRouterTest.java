package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The BEGIN_DIR router sends HSDir requests to the HSDir handler and the rest to the directory, bytes intact. */
class BeginDirRouterTest {
    private final Map<String, StringBuilder> received = new ConcurrentHashMap<>();

    private ChannelInitializer<Channel> recording(String name) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        received.computeIfAbsent(name, n -> new StringBuilder()).append(buf.toString(StandardCharsets.US_ASCII));
                        buf.release();
                    }
                });
            }
        };
    }

    private EmbeddedChannel channel(BeginDirRouter router, String... pieces) {
        EmbeddedChannel channel = new EmbeddedChannel(router);
        for (String piece : pieces) {
            channel.writeInbound(Unpooled.copiedBuffer(piece, StandardCharsets.US_ASCII));
        }
        return channel;
    }

    @Test
    void hsDirPathsGoToTheHsDirAndTheRestToTheDirectoryWithEveryByte() {
        BeginDirRouter router = new BeginDirRouter(recording("hsdir"), recording("directory"));
        channel(router, "GET /tor/hs/3/AAAA", "BBBB HTTP/1.0\r\n\r\n", "trailing");
        assertEquals("GET /tor/hs/3/AAAABBBB HTTP/1.0\r\n\r\ntrailing", received.get("hsdir").toString());
        assertNull(received.get("directory"));

        channel(router, "POST /tor/hs/3/publish HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
        channel(router, "GET /veilswarm/dir/consensus HTTP/1.0\r\n\r\n");
        assertEquals("GET /veilswarm/dir/consensus HTTP/1.0\r\n\r\n", received.get("directory").toString());
        assertEquals(2, received.get("hsdir").toString().split("HTTP/1.0\r\n").length - 1);
    }

    @Test
    void aRequestForAnAbsentHandlerOrAnEndlessLineClosesTheStream() {
        EmbeddedChannel noDirectory = channel(new BeginDirRouter(recording("hsdir"), null), "GET /other HTTP/1.0\r\n");
        assertFalse(noDirectory.isOpen());
        assertNull(received.get("hsdir"));

        EmbeddedChannel endless = new EmbeddedChannel(new BeginDirRouter(null, recording("directory")));
        endless.writeInbound(Unpooled.wrappedBuffer(new byte[BeginDirRouter.MAX_REQUEST_LINE + 1]));
        endless.checkException(); // handled: closed, not left to the end of the pipeline
        assertFalse(endless.isOpen());
        assertNull(received.get("directory"));
        assertThrows(IllegalArgumentException.class, () -> new BeginDirRouter(null, null));
    }

    /**
     * A relay's BEGIN_DIR stream whose circuit goes before the request line came (a link closing under a bundle
     * update): the stream closes, and the loss does not reach the end of the pipeline, where Netty logged "An
     * exceptionCaught() event was fired, and it reached at the tail of the pipeline" at WARNING in node B's log.
     */
    @Test
    void aStreamLostBeforeItsRequestLineClosesQuietly() {
        EmbeddedChannel stream = new EmbeddedChannel(new BeginDirRouter(recording("hsdir"), recording("directory")));
        stream.writeInbound(Unpooled.copiedBuffer("GET /tor/", StandardCharsets.US_ASCII));
        stream.pipeline().fireExceptionCaught(new java.io.IOException("stream 9819 lost its circuit"));
        stream.checkException();
        assertFalse(stream.isOpen());
    }
}
