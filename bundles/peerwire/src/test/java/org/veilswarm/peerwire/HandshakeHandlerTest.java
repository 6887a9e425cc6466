package org.veilswarm.peerwire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.InfoHashes;

@ExtendWith(LeakRecorder.class)
class HandshakeHandlerTest {

    private static final HashValue V2 = HashValue.ofHex("11".repeat(32));
    private static final HashValue V1 = HashValue.ofHex("22".repeat(20));
    private static final KnownTorrent HYBRID = new KnownTorrent(new InfoHashes(V2, Optional.of(V1)), 10);
    private static final KnownTorrent V2_ONLY = new KnownTorrent(new InfoHashes(V2, Optional.empty()), 10);
    private static final byte[] OUR_ID = "-VS0100-ourpeerid123".getBytes();
    private static final byte[] THEIR_ID = "-LT2080-theirpeer456".getBytes();

    /** Records what reaches the end of the pipeline: user events and messages, in order. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final List<Object> seen = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg);
        }
    }

    private static byte[] handshake(long reserved, HashValue hash, byte[] peerId) {
        ByteBuf b = Unpooled.buffer();
        new Handshake(new ReservedBits(reserved), hash, peerId).encode(b);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        return bytes;
    }

    private static Handshake sent(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        try {
            assertEquals(Handshake.LENGTH, out.readableBytes());
            return Handshake.decode(out);
        } finally {
            out.release();
        }
    }

    @Test
    void reservedBitsSitWhereTheBepsPutThem() {
        byte[] wire = handshake(ReservedBits.ours(true).with(ReservedBits.DHT).bits(), V1, OUR_ID);
        byte[] reserved = Arrays.copyOfRange(wire, 20, 28);
        assertEquals(0x10, reserved[5], "BEP 10: bit 20 from the right = byte 5, 0x10");
        assertEquals(0x04 | 0x10 | 0x01, reserved[7], "BEP 6 fast 0x04, BEP 52 upgrade 0x10, BEP 5 DHT 0x01 in byte 7");
        // libtorrent sends ...0015 for a hybrid: the same plus DHT, which we never announce.
        assertEquals("0000000000100014", ReservedBits.ours(true).toString());
        assertEquals(19, wire[0]);
        assertEquals("BitTorrent protocol", new String(wire, 1, 19));
    }

    /** v2 torrent: we send the truncated v2 hash; the reply and a bitfield in the same read both arrive. */
    @Test
    void initiatorV2HandshakeThenMessagesFromTheSameRead() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(
                HandshakeHandler.initiator(V2_ONLY, false, OUR_ID, PeerWireLimits.DEFAULT, 3), sink);
        Handshake ours = sent(ch);
        assertEquals(V2.truncated(), ours.infoHash());
        assertTrue(ours.reserved().extensionProtocol() && ours.reserved().fast() && ours.reserved().v2Upgrade());
        assertFalse(ours.reserved().has(ReservedBits.DHT), "no DHT");
        assertArrayEquals(OUR_ID, ours.peerId());

        ch.writeInbound(Unpooled.wrappedBuffer(handshake(0x100005, V2.truncated(), THEIR_ID), Wire.frame(5, "ffc0"),
                Wire.frame(1, "")));
        HandshakeCompleted done = assertInstanceOf(HandshakeCompleted.class, sink.seen.get(0));
        assertEquals(ProtocolVersion.V2, done.version());
        assertArrayEquals(THEIR_ID, done.remote().peerId());
        assertInstanceOf(Bitfield.class, sink.seen.get(1));
        assertEquals(Signal.UNCHOKE, sink.seen.get(2));
        assertNull(ch.pipeline().get(HandshakeHandler.class), "handshake handler removed");
        assertNotNull(ch.pipeline().get(PeerMessageDecoder.class));
        assertNotNull(ch.pipeline().get(PeerMessageEncoder.class));
        assertFalse(ch.finish());
    }

    /** Hybrid, v1 hash with the upgrade bit: libtorrent answers with the truncated v2 hash; we accept it. */
    @Test
    void initiatorAcceptsTheTruncatedV2HashForAHybrid() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(
                HandshakeHandler.initiator(HYBRID, true, OUR_ID, PeerWireLimits.DEFAULT, 3), sink);
        assertEquals(V1, sent(ch).infoHash());
        ch.writeInbound(Unpooled.wrappedBuffer(handshake(0x100015, V2.truncated(), THEIR_ID)));
        assertEquals(ProtocolVersion.V2, ((HandshakeCompleted) sink.seen.get(0)).version());
        assertFalse(ch.finish());
    }

    @Test
    void initiatorStaysOnV1WhenTheHybridPeerAnswersWithV1() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(
                HandshakeHandler.initiator(HYBRID, true, OUR_ID, PeerWireLimits.DEFAULT, 3), sink);
        sent(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(handshake(0x100005, V1, THEIR_ID)));
        assertEquals(ProtocolVersion.V1, ((HandshakeCompleted) sink.seen.get(0)).version());
        assertFalse(ch.finish());
    }

    @Test
    void initiatorRefusesAnotherTorrentsHash() {
        EmbeddedChannel ch = new EmbeddedChannel(
                HandshakeHandler.initiator(V2_ONLY, false, OUR_ID, PeerWireLimits.DEFAULT, 3));
        sent(ch);
        PeerWireException e = assertThrows(PeerWireException.class, () -> ch.writeInbound(
                Unpooled.wrappedBuffer(handshake(0, HashValue.ofHex("33".repeat(20)), THEIR_ID))));
        assertTrue(e.getMessage().contains("we asked for"));
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }

    /** A v2-capable peer sending the v1 hash of a hybrid we hold gets the truncated v2 hash back. */
    @Test
    void responderUpgradesAV2CapablePeer() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(HandshakeHandler.responder(
                h -> h.equals(V1) || h.equals(V2.truncated()) ? Optional.of(HYBRID) : Optional.empty(),
                OUR_ID, PeerWireLimits.DEFAULT, 3), sink);
        assertNull(ch.readOutbound(), "a responder waits for the peer");
        ch.writeInbound(Unpooled.wrappedBuffer(handshake(0x100015, V1, THEIR_ID)));
        assertEquals(V2.truncated(), sent(ch).infoHash());
        assertEquals(ProtocolVersion.V2, ((HandshakeCompleted) sink.seen.get(0)).version());
        assertFalse(ch.finish());
    }

    @Test
    void responderAnswersAV1PeerWithV1() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(HandshakeHandler.responder(
                h -> h.equals(V1) ? Optional.of(HYBRID) : Optional.empty(), OUR_ID, PeerWireLimits.DEFAULT, 3), sink);
        ch.writeInbound(Unpooled.wrappedBuffer(handshake(0x100005, V1, THEIR_ID)));
        assertEquals(V1, sent(ch).infoHash());
        assertEquals(ProtocolVersion.V1, ((HandshakeCompleted) sink.seen.get(0)).version());
        assertFalse(ch.finish());
    }

    @Test
    void responderRefusesUnknownTorrents() {
        EmbeddedChannel ch = new EmbeddedChannel(HandshakeHandler.responder(
                h -> Optional.empty(), OUR_ID, PeerWireLimits.DEFAULT, 3));
        PeerWireException e = assertThrows(PeerWireException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(handshake(0, V1, THEIR_ID))));
        assertTrue(e.getMessage().contains("no torrent"));
        assertNull(ch.readOutbound(), "nothing sent to a peer asking for a torrent we do not hold");
        assertFalse(ch.isActive());
        ch.finishAndReleaseAll();
    }

    /** Handshake fed one byte at a time; a wrong protocol string is refused at its first wrong byte. */
    @Test
    void handshakeByteAtATimeAndEarlyRefusal() {
        Sink sink = new Sink();
        EmbeddedChannel ch = new EmbeddedChannel(HandshakeHandler.responder(
                h -> Optional.of(V2_ONLY), OUR_ID, PeerWireLimits.DEFAULT, 3), sink);
        for (byte b : handshake(0, V2.truncated(), THEIR_ID)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertInstanceOf(HandshakeCompleted.class, sink.seen.get(0));
        sent(ch);
        assertFalse(ch.finish());

        EmbeddedChannel bad = new EmbeddedChannel(HandshakeHandler.responder(
                h -> Optional.of(V2_ONLY), OUR_ID, PeerWireLimits.DEFAULT, 3));
        bad.writeInbound(Unpooled.wrappedBuffer(new byte[] {19, 'B'}));
        assertThrows(PeerWireException.class, () -> bad.writeInbound(Unpooled.wrappedBuffer(new byte[] {'X'})));
        assertFalse(bad.isActive());
        bad.finishAndReleaseAll();

        EmbeddedChannel http = new EmbeddedChannel(HandshakeHandler.responder(
                h -> Optional.of(V2_ONLY), OUR_ID, PeerWireLimits.DEFAULT, 3));
        assertThrows(PeerWireException.class, () -> http.writeInbound(Unpooled.wrappedBuffer("GET /".getBytes())));
        http.finishAndReleaseAll();
    }
}
