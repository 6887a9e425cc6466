package org.veilswarm.transport.onion.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cell.CellDecoder;
import org.veilswarm.transport.onion.cell.CellEncoder;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.Relay;
import org.veilswarm.transport.onion.cell.RelayCell;
import org.veilswarm.transport.onion.cell.RelayEnvelope;
import org.veilswarm.transport.onion.cell.RelayPadding;
import org.veilswarm.transport.onion.cell.RelayPayloadCodec;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * Codec and crypto together on the relay path: a client's cell for the second hop goes over a link
 * (encoder → bytes → decoder), the first hop removes its layer in place and forwards the very same
 * payload buffer under its next circuit ID, and the second hop reads the message. Nothing is copied at
 * the relay and nothing leaks.
 */
@ExtendWith(LeakCheck.class)
class RelayPathTest {

    private static CircuitKeys[] handshake(byte[] identity) throws HandshakeFailedException {
        X25519KeyPair onionKey = X25519.generateKeyPair();
        NtorClient client = NtorClient.start(new NtorPublicKey(identity, onionKey.publicKey()));
        NtorServer.Reply reply = new NtorServer(identity, List.of(onionKey)).respond(client.clientHandshake());
        return new CircuitKeys[] {client.finish(reply.serverHandshake()), reply.keys()};
    }

    /** Encodes a cell on a link-protocol-4 encoder and returns the bytes in a pooled direct buffer. */
    private static ByteBuf overTheWire(RelayCell cell) {
        EmbeddedChannel link = new EmbeddedChannel(CellEncoder.forLinkProtocol(4));
        link.writeOutbound(cell);
        ByteBuf encoded = link.readOutbound();
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(encoded.readableBytes()).writeBytes(encoded);
        encoded.release();
        assertFalse(link.finish());
        return direct;
    }

    private static Relay receive(EmbeddedChannel link, ByteBuf bytes) {
        link.writeInbound(bytes);
        return assertInstanceOf(Relay.class, link.readInbound());
    }

    @Test
    void aRelayForwardsTheSamePayloadBufferUnderItsNextCircuitId() throws Exception {
        CircuitKeys[] first = handshake(NtorTest.filled(1, 20));
        CircuitKeys[] second = handshake(NtorTest.filled(2, 20));
        OriginCircuitCrypto client = new OriginCircuitCrypto(0x80000001);
        client.addHop(first[0]);
        client.addHop(second[0]);
        RelayCircuitCrypto hop0 = new RelayCircuitCrypto(first[1]);
        RelayCircuitCrypto hop1 = new RelayCircuitCrypto(second[1]);

        Data data = new Data(PooledByteBufAllocator.DEFAULT.buffer().writeBytes("piece 7".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf payload = RelayPayloadCodec.encode(9, data, PooledByteBufAllocator.DEFAULT, RelayPadding.RANDOM);
        data.release();
        client.encrypt(payload, 1);
        ByteBuf wireToHop0 = overTheWire(new Relay(0x80000001, payload));

        EmbeddedChannel hop0Inbound = new EmbeddedChannel(CellDecoder.forLinkProtocol(4));
        Relay atHop0 = receive(hop0Inbound, wireToHop0);
        assertFalse(atHop0.content().hasArray(), "direct, as socket reads are");
        assertFalse(hop0.decryptForward(atHop0), "not for hop 0: relay it");
        RelayCell forwarded = atHop0.with(0x00000042, atHop0.content());
        assertSame(atHop0.content(), forwarded.content(), "relaying copies nothing");
        ByteBuf wireToHop1 = overTheWire(forwarded);

        EmbeddedChannel hop1Inbound = new EmbeddedChannel(CellDecoder.forLinkProtocol(4));
        Relay atHop1 = receive(hop1Inbound, wireToHop1);
        assertEquals(0x00000042, atHop1.circuitId());
        assertTrue(hop1.decryptForward(atHop1));
        RelayEnvelope envelope = RelayPayloadCodec.decode(atHop1);
        Data received = (Data) envelope.message();
        assertEquals(9, envelope.streamId());
        assertEquals("piece 7", received.content().toString(StandardCharsets.US_ASCII));
        assertArrayEquals(client.lastSentDigest(1), hop1.lastReceivedDigest(), "SENDME v1 digests agree end to end");
        received.release();
        atHop1.release();
        assertFalse(hop0Inbound.finish());
        assertFalse(hop1Inbound.finish());
    }
}
