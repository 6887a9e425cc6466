package org.veilswarm.api.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServiceCountsTest {

    @Test
    void reasonsAreCopiedSortedAndAddedUp() {
        Map<String, Long> refused = new HashMap<>(Map.of("replay", 2L, "not-authentic", 3L, "busy", 1L));
        ServiceCounts counts = new ServiceCounts(2, 1, 4, 10, refused, 0, 1, 5, Map.of("descriptor-not-found", 2L));
        refused.put("malformed", 9L);
        assertEquals(List.of("busy", "not-authentic", "replay"), List.copyOf(counts.introductionsRefused().keySet()),
                "a sorted copy, not the caller's map");
        assertEquals(6, counts.introductionsRefusedTotal());
        assertEquals(2, counts.connectsFailedTotal());
        assertThrows(UnsupportedOperationException.class, () -> counts.introductionsRefused().put("x", 1L));
        assertEquals(0, new ServiceCounts(0, 0, 0, 0, Map.of(), 0, 0, 0, Map.of()).introductionsRefusedTotal());
    }

    @Test
    void badCountsAndReasonsAreRefusedWithWhatIsWrong() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new ServiceCounts(0, -1, 0, 0, Map.of(), 0, 0, 0, Map.of()));
        assertTrue(negative.getMessage().contains("connections -1"), negative.getMessage());
        for (String reason : List.of("", "Replay", "not authentic", "-replay", "replay-", "a--b", "x_y")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ServiceCounts(0, 0, 0, 0, Map.of(reason, 1L), 0, 0, 0, Map.of()), reason);
            assertTrue(e.getMessage().startsWith("introductionsRefused: a reason is lower-case words"), e.getMessage());
        }
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new ServiceCounts(0, 0, 0, 0, Map.of(), 0, 0, 0, Map.of("rendezvous-timeout", 0L)));
        assertTrue(zero.getMessage().startsWith("connectsFailed: the count of 'rendezvous-timeout' must be above zero"),
                zero.getMessage());
    }

    @Test
    void aTransportReportsNoServiceCountsUnlessItOverridesTheDefault() {
        Transport plain = new Transport() {
            @Override
            public org.veilswarm.api.transport.TransportInfo info() {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean canReach(TransportAddress address) {
                return false;
            }

            @Override
            public RelayCounters relayCounters() {
                return RelayCounters.NONE;
            }

            @Override
            public java.util.concurrent.CompletionStage<Listener> listen(ServiceKey key, int port,
                    io.netty.channel.ChannelInitializer<io.netty.channel.Channel> childInitializer) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.concurrent.CompletionStage<io.netty.channel.Channel> connect(TransportAddress to,
                    io.netty.channel.ChannelInitializer<io.netty.channel.Channel> initializer) {
                throw new UnsupportedOperationException();
            }
        };
        assertTrue(plain.serviceCounts().isEmpty());
    }
}
