package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.X25519;
import org.veilswarm.crypto.X25519KeyPair;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.hs.HsDescriptor;
import org.veilswarm.transport.onion.hs.HsDirStore;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.TimePeriod;
import org.veilswarm.transport.onion.stream.OnionStreamChannel;

/**
 * Issue #5 on 8 relays of 127.0.0.1 (3 of them the HSDir ring): a service withdrawn on stop, the same
 * address after a restart from the key store, K = 2 services of one share with independent streams, and
 * client authorization both ways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnionServiceLifecycleTest {
    private static final int PORT = 6881;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** One intro point per descriptor keeps publishing short; re-uploads every 1-2 s. */
    private static final OnionServices.Settings SETTINGS = ServiceTestNetwork.settings(1, Duration.ofSeconds(10),
            Duration.ofSeconds(1), Duration.ofSeconds(2));

    @AutoClose
    private ServiceTestNetwork network;
    private OnionServices client;

    @BeforeAll
    void start() throws Exception {
        network = new ServiceTestNetwork(8, 3);
        client = network.node(SETTINGS);
    }

    @Test
    void aServiceIsWithdrawnOnStopAndComesBackUnderTheSameAddressAfterARestart() throws Exception {
        // The node bundle keeps share keys on disk (ShareKeyStore); a restart reads the same seed back.
        byte[] seed = org.veilswarm.crypto.Randoms.bytes(Ed25519.SEED_LENGTH);
        ServiceKey key = ServiceTestNetwork.serviceKey(Ed25519.keyPairFromSeed(seed));
        TransportAddress address = TransportAddress.of(key.address(), PORT);

        OnionServices firstRun = network.node(SETTINGS);
        OnionService service = firstRun.publish(key, PORT, ServiceTestNetwork.echo(), ServiceOptions.PUBLIC)
                .get(60, TimeUnit.SECONDS);
        ServiceTestNetwork.Collector collector = new ServiceTestNetwork.Collector();
        Channel stream = ServiceTestNetwork.connectWithin(client, address, collector, WAIT);
        collector.roundTrip(stream, "first run");
        stream.close().sync();

        service.close();
        assertFalse(service.isOpen());
        assertEquals(0, firstRun.publishedCount());
        assertFalse(storedRevisions(key).stream().allMatch(r -> r == null), "the descriptor is at the HSDirs");
        // No delete at HSDirs: the descriptor stays, but introductions fail (the intro circuits are closed).
        OnionServiceException refused = ServiceTestNetwork.refusal(() -> client.connect(address,
                ServiceTestNetwork.echo()), WAIT);
        assertEquals(OnionServiceException.Failure.INTRODUCTION_FAILED, refused.failure(), refused.getMessage());
        assertEquals(TransportException.Reason.REFUSED, refused.reason());
        assertUploadsStopped(key);

        firstRun.close(); // the node stops; a new process reads the key again
        OnionServices secondRun = network.node(SETTINGS);
        ServiceKey reloaded = ServiceTestNetwork.serviceKey(Ed25519.keyPairFromSeed(seed));
        assertEquals(key.address(), reloaded.address(), "same address after the restart");
        OnionService again = secondRun.publish(reloaded, PORT, ServiceTestNetwork.echo(), ServiceOptions.PUBLIC)
                .get(60, TimeUnit.SECONDS);
        assertEquals(address, again.address());
        ServiceTestNetwork.Collector second = new ServiceTestNetwork.Collector();
        Channel reached = ServiceTestNetwork.connectWithin(client, address, second, WAIT);
        try {
            second.roundTrip(reached, "second run");
        } finally {
            reached.close().sync();
            again.close();
        }
    }

    /**
     * Re-uploads stopped: twice the longest re-upload delay passes with every HSDir holding the same revision.
     * An upload already under way when the service closed may still land once, so the window may start again,
     * but a service that kept uploading every 1-2 s would never give a quiet window before the deadline.
     */
    private void assertUploadsStopped(ServiceKey key) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Long> before = storedRevisions(key);
        while (true) {
            Thread.sleep(2 * SETTINGS.reuploadMax().toMillis());
            List<Long> after = storedRevisions(key);
            if (after.equals(before)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the withdrawn service still uploads: revisions went from " + before + " to "
                        + after);
            }
            before = after;
        }
    }

    /** The revision counter each HSDir of the ring holds for the key's current period, null where none. */
    private List<Long> storedRevisions(ServiceKey key) throws Exception {
        List<Long> revisions = new ArrayList<>();
        for (HsDirStore store : network.stores.subList(0, 3)) {
            byte[] blinded = HsKeys.blindedPublicKey(key.address().publicKey(), TimePeriod.containing(java.time.Instant.now()));
            revisions.add(store.fetch(blinded).isPresent() ? HsDescriptor.parse(store.fetch(blinded).get()).revisionCounter()
                    : null);
        }
        return revisions;
    }

    @Test
    void aShareOnTwoServicesGivesTwoStreamsAndOneSurvivesTheOthersCircuit() throws Exception {
        List<ServiceKey> keys = List.of(ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair()),
                ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair()));
        assertNotEquals(keys.get(0).address(), keys.get(1).address());
        OnionServices seeder = network.node(SETTINGS);
        List<OnionService> services = seeder.publishAll(keys, PORT, ServiceTestNetwork.echo(), ServiceOptions.PUBLIC)
                .get(60, TimeUnit.SECONDS);
        try {
            List<TransportAddress> addresses = services.stream().map(OnionService::address).toList();
            ServiceTestNetwork.PerStream streams = new ServiceTestNetwork.PerStream();
            List<Channel> channels = connected(client.connectAll(addresses, streams), addresses, streams);
            assertEquals(2, channels.size());
            for (int i = 0; i < channels.size(); i++) {
                streams.of(channels.get(i)).roundTrip(channels.get(i), "stream " + i);
            }

            // Kill the first stream's circuit: the second goes on.
            ((OnionStreamChannel) channels.get(0)).circuitStreams().edge().destroy(DestroyReason.REQUESTED);
            streams.of(channels.get(0)).inactive.get(30, TimeUnit.SECONDS);
            assertTrue(channels.get(1).isActive(), "the other stream is still open");
            streams.of(channels.get(1)).roundTrip(channels.get(1), " still here");
            channels.get(1).close().sync();
        } finally {
            seeder.close();
        }
    }

    /**
     * Waits for every stream. One that failed on the way (a transient failure: a slow circuit, a rendezvous
     * timeout on a loaded machine) is connected again to the same address; any other failure fails the test.
     */
    private List<Channel> connected(List<CompletableFuture<Channel>> attempts, List<TransportAddress> addresses,
            ServiceTestNetwork.PerStream streams) throws Exception {
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            try {
                channels.add(attempts.get(i).get(60, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof OnionServiceException why)
                        || !ServiceTestNetwork.TRANSIENT.contains(why.failure())) {
                    throw new AssertionError("K-way stream " + i + " failed: " + e.getCause(), e.getCause());
                }
                channels.add(ServiceTestNetwork.connectWithin(client, addresses.get(i), streams, WAIT));
            }
        }
        return channels;
    }

    @Test
    void clientAuthorizationLetsInTheAuthorizedClientOnly() throws Exception {
        X25519KeyPair authorized = X25519.generateKeyPair();
        X25519KeyPair other = X25519.generateKeyPair();
        OnionServices seeder = network.node(SETTINGS);
        OnionService service = seeder.publish(ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair()), PORT,
                ServiceTestNetwork.echo(), ServiceOptions.authorizedClients(List.of(authorized.publicKey())))
                .get(60, TimeUnit.SECONDS);
        TransportAddress address = service.address();
        try {
            OnionServices stranger = network.node(SETTINGS);
            OnionServiceException noKey = ServiceTestNetwork.refusal(() -> stranger.connect(address,
                    ServiceTestNetwork.echo()), WAIT);
            assertEquals(OnionServiceException.Failure.CLIENT_AUTHORIZATION_REQUIRED, noKey.failure(), noKey.getMessage());
            assertTrue(noKey.getMessage().contains("client authorization required"), noKey.getMessage());
            assertEquals(TransportException.Reason.REFUSED, noKey.reason());

            stranger.clientAuthorization(address.onion().orElseThrow(), other.privateKey());
            OnionServiceException wrongKey = ServiceTestNetwork.refusal(() -> stranger.connect(address,
                    ServiceTestNetwork.echo()), WAIT);
            assertEquals(OnionServiceException.Failure.CLIENT_AUTHORIZATION_REQUIRED, wrongKey.failure(),
                    wrongKey.getMessage());

            OnionServices friend = network.node(SETTINGS);
            friend.clientAuthorization(address.onion().orElseThrow(), authorized.privateKey());
            ServiceTestNetwork.roundTripOnNewStream(friend, address, "authorized", WAIT);
        } finally {
            seeder.close();
        }
    }
}
