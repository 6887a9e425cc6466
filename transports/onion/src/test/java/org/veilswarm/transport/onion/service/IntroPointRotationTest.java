package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Intro points are rotated while they still work (rend-spec-v3 §3.2.2: the INTRODUCE2 replay cache never forgets,
 * so it fills; C tor rotates after 16384-32768 introductions or 18-24 h): here after 2 introductions, or after a
 * lifetime of 1-2 s. The worn-out point is left out of a new descriptor, which is uploaded, and clients still
 * connect afterwards; the count of intro points per descriptor stays as configured.
 */
class IntroPointRotationTest {
    private static final int PORT = 6882;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final OnionServices.Settings SETTINGS = ServiceTestNetwork.settings(2, Duration.ofSeconds(20),
            Duration.ofMinutes(60), Duration.ofMinutes(120));
    private static final OnionServices.Settings ONE_POINT = ServiceTestNetwork.settings(1, Duration.ofSeconds(20),
            Duration.ofMinutes(60), Duration.ofMinutes(120));

    @AutoClose
    private ServiceTestNetwork network;

    @Test
    void anIntroPointIsRotatedAfterItsIntroductionsAndClientsStillConnect() throws Exception {
        network = new ServiceTestNetwork(8, 3);
        OnionServices serviceNode = network.node(SETTINGS);
        serviceNode.introPointRotation(new IntroPointRotation(2, 2, Duration.ofHours(1), Duration.ofHours(1)));
        OnionServices clientNode = network.node(SETTINGS);
        OnionService service = serviceNode.publish(ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair()), PORT,
                ServiceTestNetwork.echo(), ServiceOptions.PUBLIC).get(60, TimeUnit.SECONDS);
        TransportAddress address = service.address();
        assertEquals(0, service.introPointsRotated());
        long uploadsBefore = service.descriptorUploads();

        // Each connect is one introduction at one of the 2 intro points of the client's period: by the third, one
        // point has had 2 (pigeonhole), so at most 3 connects are needed.
        for (int i = 0; i < 3 && service.introPointsRotated() == 0; i++) {
            roundTrip(clientNode, address, "before rotation " + i);
        }
        OnionTestNetwork.await(() -> service.introPointsRotated() >= 1, "an intro point rotated after 2 introductions "
                + "(rotated: " + service.introPointsRotated() + ")", WAIT);
        OnionTestNetwork.await(() -> service.descriptorUploads() > uploadsBefore && fullDescriptors(service),
                "a descriptor uploaded without the worn-out point, " + SETTINGS.introPoints() + " intro points each "
                + "(uploaded: " + service.uploadedIntroPoints() + ")", WAIT);
        assertEquals(0, service.introPointsLost(), "a rotation is no loss");
        roundTrip(network.node(SETTINGS), address, "after rotation");
    }

    @Test
    void introPointsAreRotatedAtTheEndOfTheirLifetime() throws Exception {
        network = new ServiceTestNetwork(8, 3);
        OnionServices serviceNode = network.node(ONE_POINT); // one per period: fewer circuits to wait for
        serviceNode.introPointRotation(new IntroPointRotation(1_000, 1_000, Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
        OnionService service = serviceNode.publish(ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair()), PORT,
                ServiceTestNetwork.echo(), ServiceOptions.PUBLIC).get(60, TimeUnit.SECONDS);
        // Their replacements live an hour: the service settles after one rotation of each first point.
        serviceNode.introPointRotation(new IntroPointRotation(1_000, 1_000, Duration.ofHours(1), Duration.ofHours(1)));
        int points = service.uploadedIntroPoints().size() * ONE_POINT.introPoints();
        OnionTestNetwork.await(() -> service.introPointsRotated() >= points, "every intro point of every period "
                + "rotated after 1-2 s (rotated: " + service.introPointsRotated() + " of " + points + ")", WAIT);
        OnionTestNetwork.await(() -> service.uploadedIntroPoints().values().stream().allMatch(p -> p.size() == 1),
                "descriptors with their intro point again (uploaded: " + service.uploadedIntroPoints() + ")", WAIT);
        roundTrip(network.node(SETTINGS), service.address(), "after lifetime rotation");
    }

    private static boolean fullDescriptors(OnionService service) {
        return service.uploadedIntroPoints().values().stream()
                .allMatch((List<RelayTarget> points) -> points.size() == SETTINGS.introPoints());
    }

    private static void roundTrip(OnionServices client, TransportAddress address, String text) throws Exception {
        ServiceTestNetwork.roundTripOnNewStream(client, address, text, WAIT);
    }
}
