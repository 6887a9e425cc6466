package org.veilswarm.transport.onion.hs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * Publish to the store set and fetch from the fetch set of a ring of four HSDir relays in the in-JVM onion
 * network, each request on its own one-hop circuit's BEGIN_DIR stream; an HSDir that lost the descriptor
 * costs the client a retry, not the fetch.
 */
@ExtendWith(LeakCheck.class)
class HsDirRequestsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private OnionTestNetwork net;

    @AfterEach
    void stop() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void serviceUploadsToTheStoreSetAndAClientFetchesPastAnEmptyHsDir() throws Exception {
        net = new OnionTestNetwork(4);
        Map<OnionRelay, HsDirStore> stores = new HashMap<>();
        for (OnionRelay relay : net.relays()) {
            HsDirStore store = new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
            stores.put(relay, store);
            net.services(relay).directory(new HsDirServerInitializer(store));
        }
        // Building a circuit blocks here, so it runs off the event loop that completes the previous request. One
        // circuit per HSDir, reused, keeps the test short (a service or client would build a fresh one, §2.2.6).
        Map<OnionRelay, OriginCircuit> circuits = new HashMap<>();
        AtomicInteger streams = new AtomicInteger();
        HsDirConnector<OnionRelay> connector = relay -> CompletableFuture.supplyAsync(() -> {
            streams.incrementAndGet();
            try {
                OriginCircuit circuit;
                synchronized (circuits) {
                    circuit = circuits.get(relay);
                    if (circuit == null) {
                        circuit = net.circuit(relay);
                        circuits.put(relay, circuit);
                    }
                }
                return net.streams(circuit).openDirectory(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                }).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        HsDirRequests<OnionRelay> requests = new HsDirRequests<>(connector, TIMEOUT);
        Instant now = Instant.now();
        TimePeriod period = DescriptorSchedule.clientPeriod(now);
        HsDirRing<OnionRelay> ring = HsDirRing.build(net.relays(), OnionRelay::identity, period,
                SharedRandomSource.none().forPeriod(period));
        TestServices service = TestServices.create();
        HsDescriptor descriptor = service.builder(period).introPoint(TestServices.introPoint()).build(now);

        Map<OnionRelay, Throwable> outcomes = requests.publish(ring, descriptor).get(30, TimeUnit.SECONDS);
        assertEquals(4, outcomes.size(), "a ring of four: both replicas together reach every HSDir");
        outcomes.values().forEach(error -> assertNull(error, String.valueOf(error)));
        stores.values().forEach(store -> assertEquals(1, store.size()));

        // Every HSDir but one forgets the descriptor (expiry, restart), and the one that kept it is the client's
        // last choice (same shuffle as HsDirRequests.fetch with this seed): fetching still succeeds, after 3 404s.
        List<OnionRelay> order = new ArrayList<>(ring.fetchSet(descriptor.blindedKey()));
        Collections.shuffle(order, new Random(1));
        OnionRelay keeper = order.get(order.size() - 1);
        for (OnionRelay relay : net.relays()) {
            if (relay != keeper) {
                net.services(relay).directory(new HsDirServerInitializer(
                        new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT)));
            }
        }
        int streamsBefore = streams.get();
        DecryptedDescriptor fetched = requests.fetch(ring, service.address, period, null, now, new Random(1))
                .get(30, TimeUnit.SECONDS);
        assertEquals(1, fetched.secondLayer().introPoints().size());
        assertEquals(4, streams.get() - streamsBefore, "three HSDirs answered 404 before the fourth had it");

        // Nobody has the descriptor of another service: the last HSDir's 404 comes back.
        ExecutionException none = assertThrows(ExecutionException.class, () -> requests.fetch(ring,
                TestServices.create().address, period, null, now, new Random(2)).get(30, TimeUnit.SECONDS));
        assertTrue(assertInstanceOf(HsDirException.class, none.getCause()).notFound());
    }
}
