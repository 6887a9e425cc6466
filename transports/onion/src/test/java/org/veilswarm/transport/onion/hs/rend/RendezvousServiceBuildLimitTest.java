package org.veilswarm.transport.onion.hs.rend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.crypto.X25519;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.stream.StreamAcceptor;

/** Each valid INTRODUCE2 costs the service a circuit build: at most a fixed number run at once. */
class RendezvousServiceBuildLimitTest {
    private final byte[] subcredential = Randoms.bytes(32);
    private final RelayTarget rendezvousPoint = new RelayTarget(Randoms.bytes(32), Randoms.bytes(32),
            new InetSocketAddress("127.0.0.1", 9001));

    /** An authentic, fresh INTRODUCE2 body as a client would send it through {@code point}. */
    private byte[] introduce2(ServiceIntroPoint point) throws Exception {
        HsNtor.Client handshake = HsNtor.Client.start(point.authKey(), point.encKey(), subcredential);
        byte[] header = Introduce1.header(point.authKey(), List.of());
        int padded = IntroducePlaintext.PADDED_INTRODUCE1_LEN - header.length - HsNtor.ENCRYPTION_OVERHEAD;
        byte[] plaintext = IntroducePlaintext.to(Randoms.bytes(20), rendezvousPoint).encode(padded);
        return new Introduce1(point.authKey(), List.of(), handshake.encrypt(header, plaintext)).toIntroduce2().body();
    }

    @Test
    void introductionsBeyondTheInFlightBuildLimitAreDroppedUntilABuildEnds() throws Exception {
        List<CompletableFuture<OriginCircuit>> builds = new CopyOnWriteArrayList<>();
        CircuitFactory slow = new CircuitFactory() {
            @Override
            public CompletableFuture<OriginCircuit> build(RelayTarget last) {
                CompletableFuture<OriginCircuit> build = new CompletableFuture<>();
                builds.add(build);
                return build;
            }

            @Override
            public RelayTarget pickRendezvousPoint() {
                return rendezvousPoint;
            }
        };
        CountingTally tally = new CountingTally();
        try (RendezvousService service = new RendezvousService(slow, subcredential, StreamAcceptor.NONE, Duration.ofSeconds(5))) {
            service.tally(tally);
            ServiceIntroPoint point = new ServiceIntroPoint(rendezvousPoint, Ed25519.generateKeyPair(),
                    X25519.generateKeyPair(), null, 1024);
            int extra = 10;
            for (int i = 0; i < RendezvousService.MAX_RENDEZVOUS_BUILDS + extra; i++) {
                service.introduced(point, introduce2(point));
            }
            assertEquals(RendezvousService.MAX_RENDEZVOUS_BUILDS, builds.size(), "builds in flight are bounded");
            assertEquals(extra, service.rejectedIntroductions(), "the rest were dropped and counted");

            // A failed build is tried once more over a new path, in the same slot.
            builds.get(0).completeExceptionally(new IOException("rendezvous point unreachable"));
            assertEquals(RendezvousService.MAX_RENDEZVOUS_BUILDS + 1, builds.size(), "the failed build is tried again");
            assertEquals(1, service.retriedRendezvous());
            service.introduced(point, introduce2(point));
            assertEquals(RendezvousService.MAX_RENDEZVOUS_BUILDS + 1, builds.size(), "the retry holds the slot");
            assertEquals(extra + 1, service.rejectedIntroductions());

            builds.get(RendezvousService.MAX_RENDEZVOUS_BUILDS).completeExceptionally(
                    new IOException("rendezvous point still unreachable"));
            assertEquals(1, service.failedRendezvous(), "two failed builds give up the introduction");
            service.introduced(point, introduce2(point));
            assertEquals(RendezvousService.MAX_RENDEZVOUS_BUILDS + 2, builds.size(), "a finished build frees its slot");
            // The transport's statistics: every introduction that started a build, the dropped ones as busy.
            assertEquals(RendezvousService.MAX_RENDEZVOUS_BUILDS + 1, tally.get("accepted"), tally.counts.toString());
            assertEquals(extra + 1, tally.get("refused:busy"), tally.counts.toString());
            assertEquals(1, tally.get("rendezvousFailed"), tally.counts.toString());
        }
    }
}
