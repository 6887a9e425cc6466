package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.hs.MutableClock;
import org.veilswarm.transport.onion.hs.DescriptorSchedule;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.TimePeriod;

/**
 * rend-spec-v3 §2.2.1/§2.2.4.2 on 8 relays of 127.0.0.1 (3 of them the HSDir ring), the service's and the
 * clients' clock moved by hand: a service publishes periods N-1 and N before the shared random run; once
 * its clock passes the run it uploads period N+1 under N+1's blinded key (and drops N-1); once the clock
 * passes the period boundary a client, now computing N+1's blinded key, still fetches the descriptor and
 * reaches the service. The HSDirs keep the real clock: the test clock runs ahead of it, so descriptors
 * signed "in the future" are still unexpired there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServicePeriodSwitchTest {
    private static final int PORT = 6881;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Re-uploads (the moment the service follows the periods, §2.2.2) every 1-2 s instead of 60-120 min. */
    private static final OnionServices.Settings SETTINGS = ServiceTestNetwork.settings(1, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofSeconds(2));

    @AutoClose
    private ServiceTestNetwork network;

    @BeforeAll
    void start() throws Exception {
        network = new ServiceTestNetwork(8, 3);
    }

    @Test
    void theServiceFollowsTheTimePeriodSwitchAndClientsOfTheNewPeriodFindIt() throws Exception {
        // 23:30 UTC tomorrow: period N began at 12:00, the next shared random run is at 00:00 (§2.2.4.2 "-").
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1))
                .plus(Duration.ofMinutes(23 * 60 + 30)));
        TimePeriod n = TimePeriod.containing(clock.instant());
        assertEquals(List.of(n.previous(), n), DescriptorSchedule.servicePeriods(clock.instant()));
        OnionServices serviceNode = network.node(SETTINGS, clock);
        ServiceKey key = ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair());
        TransportAddress address = TransportAddress.of(key.address(), PORT);
        OnionService service = serviceNode.publish(key, PORT, ServiceTestNetwork.echo(), ServiceOptions.PUBLIC)
                .get(60, TimeUnit.SECONDS);
        awaitStored(key, n.previous());
        awaitStored(key, n);
        reach(network.node(SETTINGS, clock), address, "period " + n.number());

        clock.advance(Duration.ofHours(1)); // 00:30: past the shared random run, "=" segment: N and N+1
        TimePeriod next = n.next();
        OnionTestNetwork.await(() -> service.uploadedIntroPoints().keySet().equals(Set.of(n.number(), next.number())),
                "the service moved to periods " + n.number() + " and " + next.number() + " (now "
                + service.uploadedIntroPoints().keySet() + ")", WAIT);
        awaitStored(key, next);

        clock.advance(Duration.ofHours(12)); // 12:30: period N+1 is current for clients
        assertEquals(next, TimePeriod.containing(clock.instant()));
        assertEquals(next, DescriptorSchedule.clientPeriod(clock.instant()));
        reach(network.node(SETTINGS, clock), address, "period " + next.number());
        serviceNode.close();
    }

    /** A fresh client node reaches the service and echoes {@code text}; the client node is closed after. */
    private static void reach(OnionServices client, TransportAddress address, String text) throws Exception {
        try {
            ServiceTestNetwork.roundTripOnNewStream(client, address, text, WAIT);
        } finally {
            client.close();
        }
    }

    /** Waits until some HSDir of the ring holds a descriptor under the key's blinded key for {@code period}. */
    private void awaitStored(ServiceKey key, TimePeriod period) throws InterruptedException {
        byte[] blinded = HsKeys.blindedPublicKey(key.address().publicKey(), period);
        OnionTestNetwork.await(() -> network.stores.subList(0, 3).stream().anyMatch(s -> s.fetch(blinded).isPresent()),
                "a descriptor stored under the blinded key of period " + period.number(), WAIT);
    }
}
