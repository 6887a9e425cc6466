package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.hs.DecryptedDescriptor;
import org.veilswarm.transport.onion.hs.DescriptorSchedule;
import org.veilswarm.transport.onion.hs.HsDescriptor;
import org.veilswarm.transport.onion.hs.HsDescriptorReader;
import org.veilswarm.transport.onion.hs.HsDirServerInitializer;
import org.veilswarm.transport.onion.hs.HsDirStore;
import org.veilswarm.transport.onion.hs.HsKeys;
import org.veilswarm.transport.onion.hs.TimePeriod;
import org.veilswarm.transport.onion.hs.rend.ServiceIntroPoint;

/**
 * A client handed a descriptor from before the service moved its introduction points still connects
 * (rend-spec-v3 §3.2; C tor's client drops such a descriptor and fetches again): the service's intro circuits
 * close, it establishes new ones and uploads a new descriptor, but two of the three HSDirs keep serving the old
 * copy (they missed the upload). The old copy's intro points answer INTRODUCE_ACK "service not recognized";
 * the client then asks the other HSDirs for a descriptor naming other intro points and introduces there. A
 * client that gave up after the first copy (the code before) got one of the stale copies two times in three:
 * eight connects in a row pass there with a chance of (1/3)^8.
 */
class StaleDescriptorTest {
    private static final int PORT = 6881;
    private static final int CONNECTS = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Two intro points; no periodic re-upload during the test (it would overwrite the stale copies). */
    private static final OnionServices.Settings SETTINGS = ServiceTestNetwork.settings(2, Duration.ofSeconds(20),
            Duration.ofMinutes(60), Duration.ofMinutes(120));

    @AutoClose
    private ServiceTestNetwork network;

    @Test
    void aClientGivenADescriptorFromBeforeTheServiceMovedItsIntroPointsStillConnects() throws Exception {
        network = new ServiceTestNetwork(8, 3);
        OnionServices serviceNode = network.node(SETTINGS);
        OnionServices client = network.node(SETTINGS);
        var key = ServiceTestNetwork.serviceKey(Ed25519.generateKeyPair());
        OnionService service = serviceNode.publish(key, PORT, ServiceTestNetwork.echo(), ServiceOptions.PUBLIC)
                .get(60, TimeUnit.SECONDS);
        TransportAddress address = service.address();
        TimePeriod period = DescriptorSchedule.clientPeriod(Instant.now());
        byte[] blinded = HsKeys.blindedPublicKey(key.address().publicKey(), period);

        OnionTestNetwork.await(() -> service.openIntroPoints(period).size() == SETTINGS.introPoints()
                && everyHsDirServes(service, key, period, blinded), "all three HSDirs hold the descriptor of the live "
                + "intro points", WAIT);
        byte[] stale = network.stores.get(0).fetch(blinded).orElseThrow();
        Set<ByteBuffer> oldKeys = liveKeys(service, period);

        // The service moves: its intro circuits close (the intro points forget its auth keys), it establishes new
        // ones and uploads a descriptor naming them to every HSDir.
        for (ServiceIntroPoint point : service.openIntroPoints(period)) {
            point.circuit().destroy();
        }
        OnionTestNetwork.await(() -> service.openIntroPoints(period).size() == SETTINGS.introPoints()
                && liveKeys(service, period).stream().noneMatch(oldKeys::contains)
                && everyHsDirServes(service, key, period, blinded), "new intro points established and uploaded "
                + "(live: " + service.introPoints() + ")", WAIT);
        long staleRevision = HsDescriptor.parse(stale).revisionCounter();
        assertTrue(Long.compareUnsigned(HsDescriptor.parse(network.stores.get(2).fetch(blinded).orElseThrow())
                .revisionCounter(), staleRevision) > 0, "the new upload has a higher revision");

        // Two HSDirs missed that upload: they serve the copy from before.
        for (int i = 0; i < 2; i++) {
            HsDirStore old = new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
            old.publish(stale);
            network.net.services(network.relays.get(i)).directory(new HsDirServerInitializer(old));
        }
        for (int i = 0; i < CONNECTS; i++) {
            ServiceTestNetwork.Collector collector = new ServiceTestNetwork.Collector();
            Channel stream = client.connect(address, collector).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try {
                collector.roundTrip(stream, "connect " + i + ";");
            } finally {
                stream.close().sync();
            }
        }
    }

    /** The auth keys of the service's open intro points for {@code period}. */
    private static Set<ByteBuffer> liveKeys(OnionService service, TimePeriod period) {
        Set<ByteBuffer> keys = new HashSet<>();
        for (ServiceIntroPoint point : service.openIntroPoints(period)) {
            keys.add(ByteBuffer.wrap(point.authKey()));
        }
        return keys;
    }

    /** Whether each of the three HSDirs serves a descriptor naming exactly the service's live intro points. */
    private boolean everyHsDirServes(OnionService service, org.veilswarm.api.transport.ServiceKey key,
            TimePeriod period, byte[] blinded) {
        Set<ByteBuffer> live = liveKeys(service, period);
        for (HsDirStore store : network.stores.subList(0, 3)) {
            Optional<byte[]> document = store.fetch(blinded);
            if (document.isEmpty()) {
                return false;
            }
            try {
                DecryptedDescriptor descriptor = HsDescriptorReader.open(document.get(), key.address(), period,
                        Instant.now());
                if (!DescriptorRefetch.authKeys(descriptor).equals(live)) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }
}
