package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ResourceLeakDetector;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;

/**
 * A stream through three relays carrying data both ways at once (both ends write as fast as
 * writability lets them: the case that deadlocked the seed's Go relay), with SHA-256 over both
 * directions. {@value #DEFAULT_MIB} MiB each way in the default suite; the full-size run is
 * {@code -Donion.stream.bulkMiB=256} (see docs/protocols/onion-streams.md).
 *
 * <p>Paranoid leak tracking records a stack trace per buffer access and makes bulk transfers ~10 times
 * slower, so this class turns it off while it runs; the other stream tests run with it
 * ({@code LeakCheck}).
 */
class StreamBulkTest {
    static final int DEFAULT_MIB = 8;
    static final long BULK_BYTES = Long.getLong("onion.stream.bulkMiB", DEFAULT_MIB) << 20;
    private static ResourceLeakDetector.Level level;

    private OnionTestNetwork net;

    @BeforeAll
    static void noLeakTracking() {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterAll
    static void restoreLeakTracking() {
        ResourceLeakDetector.setLevel(level);
    }

    @AfterEach
    void stop() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void aThreeHopStreamCarriesDataBothWaysAtOnceWithMatchingSha256() throws Exception {
        net = new OnionTestNetwork(3);
        BlockingQueue<Transfer> accepted = new LinkedBlockingQueue<>();
        net.services(net.relay(2)).register(80, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                Transfer transfer = new Transfer(BULK_BYTES, BULK_BYTES, 16384);
                accepted.add(transfer);
                channel.pipeline().addLast(transfer.handler());
            }
        });
        OriginCircuit circuit = net.circuit(net.relay(0), net.relay(1), net.relay(2));

        Transfer client = new Transfer(BULK_BYTES, BULK_BYTES, 16384);
        long start = System.nanoTime();
        OnionStreamChannel stream = net.openStream(circuit, 80, client.handler());
        Transfer server = accepted.poll(10, TimeUnit.SECONDS);
        client.done().get(1800, TimeUnit.SECONDS);
        server.done().get(60, TimeUnit.SECONDS);
        long nanos = System.nanoTime() - start;

        assertEquals(client.sentDigest(), server.receivedDigest(), "client → service SHA-256");
        assertEquals(server.sentDigest(), client.receivedDigest(), "service → client SHA-256");
        assertTrue(client.unwritableEvents > 0 && server.unwritableEvents > 0,
                "both writers were held back by the windows / water marks at least once");
        System.out.printf("StreamBulkTest: 3-hop stream, %d MiB each way at once: %.1f s, %.2f MiB/s each way%n",
                BULK_BYTES >> 20, nanos / 1e9, (BULK_BYTES / 1048576.0) / (nanos / 1e9));
        stream.close().sync();
        assertTrue(circuit.isOpen(), "closing a stream leaves the circuit open");
        circuit.destroy();
    }
}
