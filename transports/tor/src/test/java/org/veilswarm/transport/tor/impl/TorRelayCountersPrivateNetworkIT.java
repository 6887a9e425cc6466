package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters.RelayCount;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.transport.tor.testing.PrivateTorNetwork;
import org.veilswarm.transport.tor.testing.RealTor;

/**
 * A node whose owned tor is a relay (relay=true) joins the private network; client B uses it as its only
 * entry (EntryNodes), so every cell of B's download from A's onion service passes through it. The relay's
 * counters must credit about the transferred bytes as relayed, and nothing as own beyond its directory
 * fetches; prints the figures for docs/transports/tor.md ("Relay counters"). Runs with {@code -Ptor-network}.
 */
class TorRelayCountersPrivateNetworkIT {
    private static final int FILE_BYTES = 8 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aRelayNodeCreditsTheCellsItForwardsForOthers() throws Exception {
        try (PrivateTorNetwork network = PrivateTorNetwork.start(dir.resolve("net"), 3, 7, Duration.ofSeconds(150))) {
            List<String> relayLines = new ArrayList<>(network.clientTorrcLines());
            relayLines.addAll(List.of("Nickname veilswarmRelay", "Address 127.0.0.1", "AssumeReachable 1"));
            TorTransportSettings relaySettings = TorTransportSettings.owned(dir.resolve("r").resolve("tor"))
                    .withExecutable(RealTor.executable()).withRelay(PrivateTorNetwork.freePort(), 0, 0)
                    .withExtraTorrcLines(relayLines)
                    .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(150), Duration.ofSeconds(60));
            try (TorTransportEngine relay = new TorTransportEngine(relaySettings).start()) {
                relay.ready().get(150, TimeUnit.SECONDS);
                assertTrue(relay.info().relaysForOthers());
                String fingerprint = relay.controlClient().getInfo("fingerprint").trim();
                network.awaitRouters(network.size() + 1, Duration.ofSeconds(120));

                TorTransportEngine a = new TorTransportEngine(client(network, "a", List.of()));
                TorTransportEngine b = new TorTransportEngine(client(network, "b", List.of("EntryNodes $" + fingerprint)));
                try {
                    a.start();
                    b.start();
                    CompletableFuture.allOf(a.ready(), b.ready()).get(150, TimeUnit.SECONDS);
                    byte[] file = new byte[FILE_BYTES];
                    new Random(11).nextBytes(file);
                    Listener listener = a.listen(SeedServiceKey.random(), 80,
                            init(() -> new ServiceExchange(file, new LinkedBlockingQueue<>()))).get(60, TimeUnit.SECONDS);
                    RelayCount before = relay.relayCounters().current();
                    DigestingReceiver[] attempt = new DigestingReceiver[1];
                    Channel stream = connect(b, listener.address(), () -> attempt[0] = new DigestingReceiver());
                    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {ServiceExchange.DOWNLOAD}));
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(file), attempt[0].digest.get(180, TimeUnit.SECONDS));
                    Thread.sleep(3_000); // the last BW/CIRC_BW events of the transfer
                    RelayCount after = relay.relayCounters().current();
                    long[] raw = relay.counters().rawSums();
                    long relayed = after.bytesRelayed() - before.bytesRelayed();
                    System.out.printf(Locale.ROOT, "TOR-RELAY relay %s: relayed during the download %d B (%.3f x the %d B file),"
                            + " cells %d; epoch totals BW read %d written %d, CIRC_BW read %d written %d, local %d; counters %s%n",
                            fingerprint, relayed, relayed / (double) FILE_BYTES, FILE_BYTES,
                            after.cellsRelayed() - before.cellsRelayed(), raw[0], raw[1], raw[2], raw[3], raw[4], after);
                    assertTrue(relayed >= FILE_BYTES, "the relay forwarded every cell of the download: " + relayed);
                    assertEquals(0, b.relayCounters().current().bytesRelayed(), "the client relays nothing");
                } finally {
                    a.close();
                    b.close();
                }
            }
        }
    }

    private TorTransportSettings client(PrivateTorNetwork network, String name, List<String> more) {
        List<String> lines = new ArrayList<>(network.clientTorrcLines());
        lines.addAll(more);
        return TorTransportSettings.owned(dir.resolve(name).resolve("tor")).withExecutable(RealTor.executable())
                .withExtraTorrcLines(lines)
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(150), Duration.ofSeconds(60));
    }

    private static Channel connect(TorTransportEngine engine, TransportAddress to,
            java.util.function.Supplier<DigestingReceiver> receiver) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                return engine.connect(to, init(receiver)).get(90, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransportException t) || t.reason() != TransportException.Reason.NOT_FOUND
                        || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static ChannelInitializer<Channel> init(java.util.function.Supplier<? extends io.netty.channel.ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handler.get());
            }
        };
    }
}
