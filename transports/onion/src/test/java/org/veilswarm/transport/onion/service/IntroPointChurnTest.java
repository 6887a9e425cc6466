package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Issue #5, lifecycle: a service survives relay churn. Killing one of its introduction points (the relay's
 * process dies; the directory drops it, as the next consensus would) makes the service notice the closed
 * intro circuit, establish a replacement elsewhere and upload a new descriptor; a client that starts after
 * that reaches it. The periodic re-upload (§2.2.2) runs on a schedule of seconds here.
 */
class IntroPointChurnTest {
    private static final int PORT = 6881;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final OnionServices.Settings SETTINGS = ServiceTestNetwork.settings(2, Duration.ofSeconds(20),
            Duration.ofSeconds(2), Duration.ofSeconds(3));

    @AutoClose
    private ServiceTestNetwork network;

    @Test
    void aKilledIntroductionPointIsReplacedTheDescriptorUploadedAgainAndNewClientsConnect() throws Exception {
        network = new ServiceTestNetwork(8, 3);
        OnionServices serviceNode = network.node(SETTINGS);
        OnionServices clientNode = network.node(SETTINGS);
        long started = System.nanoTime();
        OnionService service = serviceNode.publish(ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair()), PORT,
                ServiceTestNetwork.echo(), ServiceOptions.PUBLIC).get(60, TimeUnit.SECONDS);
        TransportAddress address = service.address();
        started = lap("published", started);

        // Periodic re-upload: more uploads than the first one per period, with nothing changed.
        int periods = service.uploadedIntroPoints().size();
        long firstUploads = service.descriptorUploads();
        assertTrue(firstUploads >= periods, "every period uploaded at publish (" + firstUploads + " uploads)");
        OnionTestNetwork.await(() -> service.descriptorUploads() >= firstUploads + periods,
                "every period re-uploaded on the 2-3 s schedule (uploads: " + service.descriptorUploads() + ")", WAIT);

        started = lap("re-uploaded on schedule", started);
        OnionTestNetwork.await(() -> !service.introPoints().isEmpty(), "live intro points", WAIT);
        RelayTarget victim = service.introPoints().get(0);
        long uploadsBefore = service.descriptorUploads();
        network.kill(victim.identity());

        OnionTestNetwork.await(() -> service.introPointsLost() >= 1, "the service saw its intro circuit close", WAIT);
        OnionTestNetwork.await(() -> replaced(service, victim), "every period's descriptor uploaded again with "
                + SETTINGS.introPoints() + " intro points, none on the killed relay (now: "
                + service.uploadedIntroPoints() + ", live: " + service.introPoints() + ")", WAIT);
        started = lap("intro point replaced and descriptors uploaded", started);
        assertTrue(service.descriptorUploads() > uploadsBefore, "uploaded again after the loss");
        assertFalse(service.introPoints().contains(victim), "the killed relay is no intro point any more");

        ServiceTestNetwork.Collector collector = new ServiceTestNetwork.Collector();
        Channel stream = ServiceTestNetwork.connectWithin(clientNode, address, collector, WAIT);
        lap("a new client connected", started);
        try {
            collector.roundTrip(stream, "after churn");
        } finally {
            stream.close().sync();
        }
    }

    private static long lap(String what, long since) {
        System.out.printf("IntroPointChurnTest: %s in %.1f s%n", what, (System.nanoTime() - since) / 1e9);
        return System.nanoTime();
    }

    private static boolean replaced(OnionService service, RelayTarget victim) {
        Map<Long, List<RelayTarget>> uploaded = service.uploadedIntroPoints();
        return uploaded.values().stream().allMatch(points -> points.size() == SETTINGS.introPoints()
                && !points.contains(victim));
    }
}
