package org.veilswarm.console.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.RelayCounters.RelayCount;
import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;

class StatsSamplerTest {

    /** A transport that only counts: the sampler reads nothing else. */
    private static class CountingTransport implements Transport {
        volatile long relayed;

        @Override
        public TransportInfo info() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean canReach(TransportAddress address) {
            return false;
        }

        @Override
        public CompletionStage<Listener> listen(ServiceKey key, int port,
                ChannelInitializer<Channel> childInitializer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RelayCounters relayCounters() {
            RelayCount now = new RelayCount(Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), relayed / 512, relayed, 0);
            return new RelayCounters() {
                @Override
                public RelayCount current() {
                    return now;
                }

                @Override
                public List<RelayCount> completedEpochs() {
                    return List.of();
                }
            };
        }
    }

    /** A transport with circuits, as the onion and tor transports report them. */
    private static final class CircuitTransport extends CountingTransport {
        volatile CircuitCounts circuits = new CircuitCounts(0, 0, 0, 0);

        @Override
        public Optional<CircuitCounts> circuitCounts() {
            return Optional.of(circuits);
        }
    }

    /** A transport with onion services of its own, as the native onion transport reports them. */
    private static final class ServiceTransport extends CountingTransport {
        volatile ServiceCounts services;

        @Override
        public Optional<ServiceCounts> serviceCounts() {
            if (services == null) {
                throw new IllegalStateException("stopping");
            }
            return Optional.of(services);
        }
    }

    private static StatsSampler.Config config(int kept) {
        return new StatsSampler.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StatsSampler.Config.class;
            }

            @Override
            public int sampleSeconds() {
                return 5;
            }

            @Override
            public int samplesKept() {
                return kept;
            }
        };
    }

    private StatsSampler sampler;

    @AfterEach
    void stop() {
        sampler.stop();
    }

    @Test
    void samplesEveryTransportBySchemeAndSumsThem() {
        sampler = new StatsSampler(config(10), false);
        CountingTransport onion = new CountingTransport();
        CountingTransport tor = new CountingTransport();
        onion.relayed = 1_000;
        sampler.addTransport(onion, Map.of(Transport.SCHEME, "onion"));
        sampler.addTransport(tor, Map.of(Transport.SCHEME, "tor"));
        sampler.sample();
        onion.relayed = 6_120;
        tor.relayed = 1_024;
        sampler.sample();
        List<StatsSample> samples = sampler.samples();
        assertEquals(2, samples.size());
        assertEquals(0, samples.get(0).bytesRelayed());
        StatsSample last = samples.get(1);
        assertEquals(5_120, last.transports().get("onion").bytesRelayed());
        assertEquals(1_024, last.transports().get("tor").bytesRelayed());
        assertEquals(6_144, last.bytesRelayed());
    }

    @Test
    void onionServiceFiguresAreReadNowFromTheTransportsThatReportThem() {
        sampler = new StatsSampler(config(10), false);
        assertEquals(Map.of(), sampler.serviceCounts(), "no transport: no figures, not zeros");
        CountingTransport direct = new CountingTransport();
        ServiceTransport onion = new ServiceTransport();
        sampler.addTransport(direct, Map.of(Transport.SCHEME, "direct"));
        sampler.addTransport(onion, Map.of(Transport.SCHEME, "onion"));
        onion.services = new ServiceCounts(2, 1, 4, 7, Map.of("replay", 3L), 0, 1, 5, Map.of());
        assertEquals(Map.of("onion", onion.services), sampler.serviceCounts(), "only the transport that reports them");
        onion.services = new ServiceCounts(2, 0, 4, 8, Map.of("replay", 3L), 1, 1, 5, Map.of("rendezvous-timeout", 1L));
        assertEquals(8, sampler.serviceCounts().get("onion").introductionsAccepted(), "read when asked, not sampled");
        sampler.sample();
        StatsSample sampled = sampler.samples().get(0);
        assertEquals(Map.of("onion", onion.services), sampled.services(), "each sample keeps them too");
        assertEquals(new StatsSample.Introductions(8, 3), sampled.introductionTotals().orElseThrow(),
                "introductions accepted and refused, added up");
        onion.services = null;
        assertEquals(Map.of(), sampler.serviceCounts(), "a transport failing while asked is left out");
        sampler.sample();
        assertTrue(sampler.samples().get(1).introductionTotals().isEmpty(), "no figures, not zeros");
    }

    @Test
    void aRemovedTransportLeavesTheSeriesAndTheRingStaysBounded() {
        sampler = new StatsSampler(config(3), false);
        CountingTransport onion = new CountingTransport();
        sampler.addTransport(onion, Map.of(Transport.SCHEME, "onion"));
        sampler.sample();
        sampler.removeTransport(onion);
        for (int i = 0; i < 5; i++) {
            sampler.sample();
        }
        List<StatsSample> samples = sampler.samples();
        assertEquals(3, samples.size());
        assertEquals(Map.of(), samples.get(2).transports());
    }

    @Test
    void transfersAreRunningTotalsFromTheSwarmAndAbsentWithoutIt() {
        sampler = new StatsSampler(config(10), false);
        sampler.sample();
        assertTrue(sampler.samples().get(0).transfers().isEmpty(), "no swarm engine: no transfer figures, not zeros");

        Object seeded = new Object();
        Object fetched = new Object();
        TransferReading[] now = {new TransferReading(Map.of(seeded, 100L), Map.of(seeded, 0L), 0, 0, 1, 0)};
        sampler.transferSource(() -> now[0]);
        sampler.sample();
        now[0] = new TransferReading(Map.of(seeded, 600L, fetched, 0L), Map.of(seeded, 0L, fetched, 4_000L), 50, 400,
                2, 3);
        sampler.sample();
        // The seeded torrent ends; what it sent stays in the total.
        now[0] = new TransferReading(Map.of(fetched, 10L), Map.of(fetched, 5_000L), 0, 0, 1, 1);
        sampler.sample();

        List<StatsSample> samples = sampler.samples();
        StatsSample.Transfers first = samples.get(1).transfers().orElseThrow();
        assertEquals(100, first.uploaded(), "what the torrent sent before the console looked counts");
        StatsSample.Transfers second = samples.get(2).transfers().orElseThrow();
        assertEquals(600, second.uploaded());
        assertEquals(4_000, second.downloaded());
        assertEquals(50, second.uploadRate());
        assertEquals(400, second.downloadRate());
        assertEquals(2, second.torrents());
        assertEquals(3, second.peers());
        StatsSample.Transfers third = samples.get(3).transfers().orElseThrow();
        assertEquals(610, third.uploaded());
        assertEquals(5_000, third.downloaded());

        sampler.transferSource(null);
        sampler.sample();
        assertTrue(sampler.samples().get(4).transfers().isEmpty());
    }

    @Test
    void aFailingTransferSourceGivesASampleWithoutTransfers() {
        sampler = new StatsSampler(config(10), false);
        sampler.transferSource(() -> {
            throw new IllegalStateException("engine closed");
        });
        sampler.sample();
        assertEquals(1, sampler.samples().size());
        assertTrue(sampler.samples().get(0).transfers().isEmpty());
    }

    @Test
    void circuitsAreTakenFromTransportsThatReportThemAndAddedUp() {
        sampler = new StatsSampler(config(10), false);
        sampler.addTransport(new CountingTransport(), Map.of(Transport.SCHEME, "direct"));
        sampler.sample();
        assertTrue(sampler.samples().get(0).circuitTotals().isEmpty(),
                "a transport without circuits reports none: n/a, not zero");

        CircuitTransport onion = new CircuitTransport();
        CircuitTransport tor = new CircuitTransport();
        sampler.addTransport(onion, Map.of(Transport.SCHEME, "onion"));
        sampler.addTransport(tor, Map.of(Transport.SCHEME, "tor"));
        onion.circuits = new CircuitCounts(3, 5, 10, 2);
        tor.circuits = new CircuitCounts(1, 0, 4, 1);
        sampler.sample();
        StatsSample last = sampler.samples().get(1);
        assertEquals(Map.of("onion", onion.circuits, "tor", tor.circuits), last.circuits());
        assertEquals(Optional.of(new CircuitCounts(4, 5, 14, 3)), last.circuitTotals());

        sampler.removeTransport(onion);
        sampler.removeTransport(tor);
        sampler.sample();
        assertTrue(sampler.samples().get(2).circuitTotals().isEmpty(), "gone with their transports");
    }
}
