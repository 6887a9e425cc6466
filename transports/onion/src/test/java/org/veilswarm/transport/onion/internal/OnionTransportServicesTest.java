package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * The transport SPI end to end over 7 relaying engines on 127.0.0.1 (each its own HSDir over BEGIN_DIR and
 * introduction / rendezvous point, as {@link OnionTransportEngine} sets its relay up): engine 0 listens as a
 * service, engine 1 connects to {@code <address>.onion:port}; without a directory neither can.
 */
class OnionTransportServicesTest {
    private final RelayingEngines engines = new RelayingEngines(7);

    @AfterEach
    void closeAll() {
        engines.close();
    }

    @Test
    void aServiceListenedOnOneEngineIsReachedByAddressFromAnother() throws Exception {
        Ed25519KeyPair key = Ed25519.generateKeyPair();
        TransportAddress address = TransportAddress.of(OnionAddress.fromPublicKey(key.publicKey()), 7000);
        OnionTransportEngine service = engines.get(0);
        OnionTransportEngine client = engines.get(1);
        assertFalse(client.canReach(address), "no directory bound yet");

        engines.bindDirectory();
        assertTrue(client.canReach(address));
        assertFalse(client.canReach(new TransportAddress("127.0.0.1", 7000)), "onion addresses only");

        Listener listener = service.listen(EngineTestValues.serviceKey(key), 7000,
                RelayingEngines.echoService(() -> { })).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(address, listener.address());

        String hello = "six hops and back";
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Channel stream = client.connect(address, RelayingEngines.textReader(echoed, hello.length()))
                .toCompletableFuture().get(60, TimeUnit.SECONDS);
        stream.writeAndFlush(Unpooled.copiedBuffer(hello, StandardCharsets.UTF_8));
        assertEquals(hello, echoed.get(30, TimeUnit.SECONDS));
        stream.close().sync();
        listener.close();
        assertFalse(listener.isOpen());
    }
}
