package org.veilswarm.peerwire.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.peerwire.LeakRecorder;
import org.veilswarm.peerwire.MetadataData;
import org.veilswarm.peerwire.MetadataReject;
import org.veilswarm.peerwire.MetadataRequest;
import org.veilswarm.peerwire.PeerMessage;
import org.veilswarm.peerwire.PeerMessageDecoder;
import org.veilswarm.peerwire.PeerMessageEncoder;
import org.veilswarm.peerwire.PeerWireLimits;

/**
 * {@link MetadataServer} answers, and the whole exchange through the real codec: every piece the server
 * produces is encoded, decoded again one byte at a time, re-encodes to the same bytes and, fed to a
 * {@link MetadataAssembler}, gives back the original dictionary.
 */
@ExtendWith(LeakRecorder.class)
class MetadataServerTest {

    private static final int RECEIVER_ID = 7;

    private static InfoDictionary hybrid;

    @BeforeAll
    static void torrent(@TempDir Path dir) throws Exception {
        hybrid = Torrents.folder(dir, 300, TorrentMode.HYBRID).metainfo().info();
    }

    @Test
    void answersEveryPieceAndRejectsPastTheEnd() {
        MetadataServer server = MetadataServer.of(hybrid);
        assertEquals(hybrid.size(), server.metadataSize());
        int pieces = server.pieceCount();
        assertEquals((hybrid.size() + 16383) / 16384, pieces);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int p = 0; p < pieces; p++) {
            MetadataData data = assertInstanceOf(MetadataData.class, server.answer(new MetadataRequest(3, p), RECEIVER_ID));
            try {
                assertEquals(RECEIVER_ID, data.extendedId(), "sent under the id the receiver announced");
                assertEquals(hybrid.size(), data.totalSize());
                assertEquals(p < pieces - 1 ? 16384 : hybrid.size() - 16384 * (pieces - 1), data.content().readableBytes());
                joined.writeBytes(bytes(data.content()));
            } finally {
                data.release();
            }
        }
        assertArrayEquals(hybrid.bytes(), joined.toByteArray());
        assertEquals(new MetadataReject(RECEIVER_ID, pieces), server.answer(new MetadataRequest(3, pieces), RECEIVER_ID));
    }

    @Test
    void piecesSurviveTheCodecFedByteAtATimeAndAssembleToTheDictionary() {
        MetadataServer server = MetadataServer.of(hybrid);
        MetadataAssembler<String> assembler = new MetadataAssembler<>(ExpectedInfoHashes.of(hybrid.infoHashes()),
                MetadataOptions.DEFAULT);
        assembler.addPeer("server", server.metadataSize());
        EmbeddedChannel sender = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
        EmbeddedChannel receiver = new EmbeddedChannel(new PeerMessageDecoder(PeerWireLimits.DEFAULT, -1, RECEIVER_ID),
                PeerMessageEncoder.INSTANCE);
        MetadataOutcome<String> last = null;
        for (List<Integer> asked; !(asked = assembler.requestsFor("server", 0)).isEmpty(); ) {
            for (int piece : asked) {
                byte[] wire = encode(sender, server.answer(new MetadataRequest(RECEIVER_ID, piece), RECEIVER_ID));
                List<Object> decoded = new ArrayList<>();
                // Byte at a time through the header and the last 64 bytes, the middle in one read:
                // paranoid leak tracking makes 16 K one-byte buffers per piece slow for no extra coverage.
                for (int i = 0; i < wire.length; ) {
                    int n = i < 64 || i >= wire.length - 64 ? 1 : wire.length - 64 - i;
                    receiver.writeInbound(Unpooled.wrappedBuffer(wire, i, n));
                    i += n;
                    for (Object m; (m = receiver.readInbound()) != null; ) {
                        decoded.add(m);
                    }
                }
                assertEquals(1, decoded.size(), "one message from " + wire.length + " bytes fed in pieces");
                MetadataData data = assertInstanceOf(MetadataData.class, decoded.get(0));
                try {
                    assertEquals(piece, data.piece());
                    assertArrayEquals(wire, encode(receiver, data.retain()), "re-encodes to the same bytes");
                    last = assembler.received("server", data, 0);
                } finally {
                    data.release();
                }
            }
        }
        assertEquals(MetadataOutcome.Kind.COMPLETE, last.kind());
        assertArrayEquals(hybrid.bytes(), assembler.result().orElseThrow().bytes());
        assertFalse(sender.finish());
        assertFalse(receiver.finish());
    }

    @Test
    void requestAndRejectRoundTripByteAtATime() {
        for (PeerMessage message : List.of(new MetadataRequest(RECEIVER_ID, 0), new MetadataRequest(RECEIVER_ID, 1023),
                new MetadataReject(RECEIVER_ID, 5))) {
            EmbeddedChannel ch = new EmbeddedChannel(new PeerMessageDecoder(PeerWireLimits.DEFAULT, -1, RECEIVER_ID),
                    PeerMessageEncoder.INSTANCE);
            byte[] wire = encode(ch, message);
            for (byte b : wire) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
            Object decoded = ch.readInbound();
            assertEquals(message, decoded);
            assertArrayEquals(wire, encode(ch, decoded));
            assertFalse(ch.finish());
        }
    }

    private static byte[] encode(EmbeddedChannel ch, Object message) {
        ch.writeOutbound(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(bytes((ByteBuf) b));
            ReferenceCountUtil.release(b);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }
}
