package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;

/**
 * The {@link Listener} contract on onion services (8 relays of 127.0.0.1, 3 of them the HSDir ring): closing
 * the listener withdraws the service and stops accepting, but a stream accepted before keeps echoing until
 * it ends; only stopping the node closes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceListenerCloseTest {
    private static final int PORT = 6881;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final OnionServices.Settings SETTINGS = ServiceTestNetwork.settings(1, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofSeconds(2));

    @AutoClose
    private ServiceTestNetwork network;

    @BeforeAll
    void start() throws Exception {
        network = new ServiceTestNetwork(8, 3);
    }

    @Test
    void closingTheListenerKeepsAcceptedStreamsAndRefusesNewConnections() throws Exception {
        OnionServices serviceNode = network.node(SETTINGS);
        OnionServices client = network.node(SETTINGS);
        ServiceKey key = ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair());
        TransportAddress address = TransportAddress.of(key.address(), PORT);
        // The Transport SPI's path: OnionTransport.listen hands out this Listener.
        Listener listener = serviceNode.publish(key, PORT, ServiceTestNetwork.echo()).get(60, TimeUnit.SECONDS);
        ServiceTestNetwork.Collector collector = new ServiceTestNetwork.Collector();
        Channel stream = ServiceTestNetwork.connectWithin(client, address, collector, WAIT);
        collector.roundTrip(stream, "before close;");

        listener.close();
        assertFalse(listener.isOpen(), "closed listener");
        assertEquals(0, serviceNode.publishedCount(), "the service is withdrawn");

        collector.roundTrip(stream, "after close;");
        OnionServiceException refused = ServiceTestNetwork.refusal(() -> client.connect(address,
                ServiceTestNetwork.echo()), WAIT);
        assertEquals(OnionServiceException.Failure.INTRODUCTION_FAILED, refused.failure(), refused.getMessage());
        assertEquals(TransportException.Reason.REFUSED, refused.reason());
        collector.roundTrip(stream, "after a refused connect;");
        assertTrue(stream.isActive(), "the accepted stream is still open: " + stream);

        serviceNode.close(); // the node stops: now the accepted stream ends too
        OnionTestNetwork.await(collector.inactive::isDone, "the stream closed after the service node stopped", WAIT);
        client.close();
    }
}
