package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * rend-spec-v3 §2.2.6 end to end over onion streams: an HSDir store served on BEGIN_DIR at the last relay
 * of a 3-hop circuit in the in-JVM network; a service publishes, a client fetches and opens the descriptor.
 */
@ExtendWith(LeakCheck.class)
class HsDirProtocolTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private OnionTestNetwork net;

    @AfterEach
    void stop() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void publishThenFetchOverBeginDirStreams() throws Exception {
        Instant now = Instant.now();
        TimePeriod period = TimePeriod.containing(now);
        HsDirStore store = new HsDirStore(java.time.Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
        net = new OnionTestNetwork(3);
        net.services(net.relay(2)).directory(new HsDirServerInitializer(store));
        OriginCircuit circuit = net.circuit(net.relay(0), net.relay(1), net.relay(2));
        CircuitStreams streams = net.streams(circuit);

        TestServices service = TestServices.create();
        byte[] descriptor = service.builder(period).revisionCounter(3).introPoint(TestServices.introPoint()).build(now)
                .encoded();
        HsDirClient.publish(directoryStream(streams), descriptor, TIMEOUT).get(10, TimeUnit.SECONDS);
        assertEquals(1, store.size());

        byte[] blinded = HsKeys.blindedPublicKey(service.identity.publicKey(), period);
        byte[] fetched = HsDirClient.fetch(directoryStream(streams), blinded, TIMEOUT).get(10, TimeUnit.SECONDS);
        assertArrayEquals(descriptor, fetched);
        assertEquals(1, HsDescriptorReader.open(fetched, service.address, period, now).secondLayer().introPoints().size());

        // A replay of the same revision is refused with 409, an unknown key is a 404.
        ExecutionException stale = assertThrows(ExecutionException.class,
                () -> HsDirClient.publish(directoryStream(streams), descriptor, TIMEOUT).get(10, TimeUnit.SECONDS));
        HsDirException conflict = assertInstanceOf(HsDirException.class, stale.getCause());
        assertEquals(409, conflict.status());
        assertTrue(conflict.getMessage().contains("STALE_REVISION"), conflict.getMessage());
        ExecutionException missing = assertThrows(ExecutionException.class, () -> HsDirClient.fetch(
                directoryStream(streams), HsKeys.blindedPublicKey(service.identity.publicKey(), period.next()), TIMEOUT)
                .get(10, TimeUnit.SECONDS));
        assertTrue(assertInstanceOf(HsDirException.class, missing.getCause()).notFound());

        // A tampered upload is refused with the reason.
        byte[] tampered = descriptor.clone();
        tampered[tampered.length - 10] ^= 1;
        ExecutionException bad = assertThrows(ExecutionException.class,
                () -> HsDirClient.publish(directoryStream(streams), tampered, TIMEOUT).get(10, TimeUnit.SECONDS));
        HsDirException refused = assertInstanceOf(HsDirException.class, bad.getCause());
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("BAD_SIGNATURE") || refused.getMessage().contains("MALFORMED"),
                refused.getMessage());
        assertTrue(circuit.isOpen());
    }

    private static Channel directoryStream(CircuitStreams streams) throws Exception {
        return streams.openDirectory(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // HsDirClient adds its own handlers.
            }
        }).get(10, TimeUnit.SECONDS);
    }
}
