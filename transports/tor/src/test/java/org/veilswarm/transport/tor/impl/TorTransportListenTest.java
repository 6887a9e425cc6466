package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;
import org.veilswarm.transport.tor.testing.FakeTorControlPort;

/**
 * listen() against a control port replaying tor's ADD_ONION answers: the command carries the key's expanded
 * secret and a loopback target, streams to that target reach the caller's initializer, close sends DEL_ONION;
 * a second port of the same key republishes the service with both; a ServiceID that is not the key's own
 * address is withdrawn and refused.
 */
class TorTransportListenTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void publishesUnderTheKeysAddressAndWithdrawsOnClose() throws Exception {
        SeedServiceKey key = SeedServiceKey.random();
        String serviceId = key.address().hostName().replace(".onion", "");
        try (FakeTorControlPort control = FakeTorControlPort.bootstrapped(9)
                .answer("ADD_ONION", "250-ServiceID=" + serviceId + "\r\n250 OK\r\n")
                .answer("DEL_ONION", "250 OK\r\n").start();
                TorTransportEngine engine = TorTransportSocksTest.attached(control)) {
            CompletableFuture<Boolean> accepted = new CompletableFuture<>();
            Listener listener = engine.listen(key, 80, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(true);
                        }
                    });
                }
            }).toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(TransportAddress.of(key.address(), 80), listener.address());
            assertTrue(listener.isOpen());

            String addOnion = control.received().stream().filter(l -> l.startsWith("ADD_ONION")).findFirst().orElseThrow();
            String expectedKey = Base64.getEncoder().encodeToString(key.expandedSecretKey());
            assertTrue(addOnion.startsWith("ADD_ONION ED25519-V3:" + expectedKey + " Port=80,127.0.0.1:"), "no Detach: the service dies with us");
            int localPort = Integer.parseInt(addOnion.substring(addOnion.lastIndexOf(':') + 1));
            try (Socket fromTor = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
                assertTrue(accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }

            TransportException samePort = TorTransportFailuresTest.failure(engine.listen(key, 80, TorTransportFailuresTest.initializer()));
            assertEquals(Reason.LOCAL_UNAVAILABLE, samePort.reason());
            assertTrue(samePort.getMessage().contains("virtual port 80"), samePort.getMessage());

            listener.closeAsync().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertFalse(listener.isOpen());
            assertTrue(control.received().contains("DEL_ONION " + serviceId), control.received().toString());
        }
    }

    /**
     * A second port for the same key (the node's tracker and swarm engine share its address): tor cannot add a
     * port to a running service, so the engine deletes it and adds it again with both ports; closing one port
     * publishes the key again with the other alone, closing the last deletes it.
     */
    @Test
    void aSecondPortOfTheSameKeyRepublishesTheServiceWithBothPorts() throws Exception {
        SeedServiceKey key = SeedServiceKey.random();
        String serviceId = key.address().hostName().replace(".onion", "");
        String expectedKey = Base64.getEncoder().encodeToString(key.expandedSecretKey());
        try (FakeTorControlPort control = FakeTorControlPort.bootstrapped(9)
                .answer("ADD_ONION", "250-ServiceID=" + serviceId + "\r\n250 OK\r\n")
                .answer("DEL_ONION", "250 OK\r\n").start();
                TorTransportEngine engine = TorTransportSocksTest.attached(control)) {
            Listener tracker = engine.listen(key, 6969, TorTransportFailuresTest.initializer()).toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Listener swarm = engine.listen(key, 8429, TorTransportFailuresTest.initializer()).toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(TransportAddress.of(key.address(), 6969), tracker.address());
            assertEquals(TransportAddress.of(key.address(), 8429), swarm.address());
            assertTrue(tracker.isOpen() && swarm.isOpen());

            java.util.List<String> commands = control.received().stream()
                    .filter(l -> l.startsWith("ADD_ONION") || l.startsWith("DEL_ONION")).toList();
            assertEquals(3, commands.size(), commands.toString());
            assertTrue(commands.get(0).matches("ADD_ONION ED25519-V3:\\S+ Port=6969,127\\.0\\.0\\.1:\\d+"), commands.get(0));
            assertEquals("DEL_ONION " + serviceId, commands.get(1));
            String both = commands.get(2);
            assertTrue(both.startsWith("ADD_ONION ED25519-V3:" + expectedKey + " Port=6969,127.0.0.1:"), both);
            assertTrue(both.matches(".* Port=6969,127\\.0\\.0\\.1:\\d+ Port=8429,127\\.0\\.0\\.1:\\d+"), both);
            String trackerTarget = commands.get(0).substring(commands.get(0).indexOf("Port=6969,"));
            assertTrue(both.contains(trackerTarget + " "), "the first port keeps its loopback target: " + both);

            tracker.closeAsync().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertFalse(tracker.isOpen());
            assertTrue(swarm.isOpen(), "the other port stays published");
            commands = control.received().stream().filter(l -> l.startsWith("ADD_ONION") || l.startsWith("DEL_ONION")).toList();
            assertEquals(5, commands.size(), commands.toString());
            assertEquals("DEL_ONION " + serviceId, commands.get(3));
            assertTrue(commands.get(4).matches("ADD_ONION ED25519-V3:\\S+ Port=8429,127\\.0\\.0\\.1:\\d+"), commands.get(4));

            swarm.closeAsync().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            commands = control.received().stream().filter(l -> l.startsWith("ADD_ONION") || l.startsWith("DEL_ONION")).toList();
            assertEquals(6, commands.size(), commands.toString());
            assertEquals("DEL_ONION " + serviceId, commands.get(5));
        }
    }

    @Test
    void aServiceIdOtherThanTheKeysOwnIsWithdrawnAndRefused() throws Exception {
        SeedServiceKey key = SeedServiceKey.random();
        String other = SeedServiceKey.random().address().hostName().replace(".onion", "");
        try (FakeTorControlPort control = FakeTorControlPort.bootstrapped(9)
                .answer("ADD_ONION", "250-ServiceID=" + other + "\r\n250 OK\r\n")
                .answer("DEL_ONION", "250 OK\r\n").start();
                TorTransportEngine engine = TorTransportSocksTest.attached(control)) {
            TransportException e = TorTransportFailuresTest.failure(engine.listen(key, 80, TorTransportFailuresTest.initializer()));
            assertEquals(Reason.PROTOCOL, e.reason());
            assertTrue(e.getMessage().contains(other) && e.getMessage().contains(key.address().toString()), e.getMessage());
            assertTrue(control.received().contains("DEL_ONION " + other));
        }
    }

    @Test
    void torRefusingAddOnionIsReportedWithItsMessage() throws Exception {
        try (FakeTorControlPort control = FakeTorControlPort.bootstrapped(9)
                .answer("ADD_ONION", "550 Onion address collision\r\n").start();
                TorTransportEngine engine = TorTransportSocksTest.attached(control)) {
            SeedServiceKey key = SeedServiceKey.random();
            TransportException e = TorTransportFailuresTest.failure(engine.listen(key, 80, TorTransportFailuresTest.initializer()));
            assertEquals(Reason.OTHER, e.reason());
            assertTrue(e.getMessage().contains("550 Onion address collision"), e.getMessage());
            assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(key.expandedSecretKey()).substring(0, 20)),
                    "the key never appears in messages");
        }
    }
}
