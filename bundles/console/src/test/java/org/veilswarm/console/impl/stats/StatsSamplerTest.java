package org.veilswarm.console.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.RelayCounters.RelayCount;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;

class StatsSamplerTest {

    /** A transport that only counts: the sampler reads nothing else. */
    private static final class CountingTransport implements Transport {
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
}
