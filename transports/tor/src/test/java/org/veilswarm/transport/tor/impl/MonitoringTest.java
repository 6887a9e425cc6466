package org.veilswarm.transport.tor.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.RelayCounters.RelayCount;
import org.veilswarm.transport.tor.control.ControlReply;
import org.veilswarm.transport.tor.control.ReplyLine;
import org.veilswarm.transport.tor.control.internal.EventParser;
import org.veilswarm.transport.tor.monitor.BandwidthSample;
import org.veilswarm.transport.tor.monitor.LogEntry;

/** The monitor and the relay counters fed with tor's event lines as tor writes them (control-spec §4.1). */
class MonitoringTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void logLinesFoldRepeatsNystyleAndStayBounded() {
        LogDeduplicator log = new LogDeduplicator(3);
        log.add("WARN", "a", clock.tick());
        log.add("WARN", "b", clock.tick());
        log.add("WARN", "a", clock.tick());
        log.add("WARN", "a", clock.tick());
        log.add("NOTICE", "a", clock.tick()); // another severity is another line
        List<LogEntry> entries = log.snapshot();
        assertEquals(List.of("[WARN] b", "[WARN] a \u00d73", "[NOTICE] a"), entries.stream().map(LogEntry::display).toList());
        assertEquals(Instant.ofEpochSecond(1), entries.get(1).first());
        assertEquals(Instant.ofEpochSecond(4), entries.get(1).last());
        for (int i = 0; i < 20; i++) {
            log.add("NOTICE", "line " + i, clock.tick());
        }
        assertEquals(3, log.snapshot().size());
        assertEquals("line 19", log.snapshot().get(2).message());
    }

    @Test
    void bandwidthHistoryKeepsTheNewestSamplesOldestFirst() {
        BandwidthHistory history = new BandwidthHistory(3);
        for (int i = 1; i <= 5; i++) {
            history.add(new BandwidthSample(clock.tick(), i, 10 * i));
        }
        assertEquals(List.of(3L, 4L, 5L), history.snapshot().stream().map(BandwidthSample::bytesRead).toList());
        assertThrows(IllegalArgumentException.class, () -> new BandwidthHistory(0));
    }

    @Test
    void monitorFollowsBootstrapCircuitsBandwidthAndLogEvents() {
        TorMonitorState monitor = new TorMonitorState(clock);
        feed(monitor, "STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=45 TAG=requesting_descriptors SUMMARY=\"Asking for relay descriptors\"");
        feed(monitor, "CIRC 7 LAUNCHED BUILD_FLAGS=NEED_CAPACITY PURPOSE=GENERAL");
        feed(monitor, "CIRC 7 BUILT $AAAA~relay0,$BBBB~relay1,$CCCC~relay2 PURPOSE=HS_CLIENT_REND");
        feed(monitor, "CIRC 12 EXTENDED $AAAA~relay0 PURPOSE=HS_SERVICE_INTRO");
        feed(monitor, "CIRC 12 CLOSED $AAAA~relay0 REASON=FINISHED");
        feed(monitor, "BW 1024 2048");
        feed(monitor, "WARN Problem bootstrapping.");
        feed(monitor, "WARN Problem bootstrapping.");
        assertEquals(45, monitor.bootstrap().progress());
        assertEquals("requesting_descriptors", monitor.bootstrap().tag());
        assertEquals(1, monitor.circuits().size());
        assertEquals("BUILT", monitor.circuits().get(0).status());
        assertEquals(List.of("$AAAA~relay0", "$BBBB~relay1", "$CCCC~relay2"), monitor.circuits().get(0).path());
        assertEquals("HS_CLIENT_REND", monitor.circuits().get(0).purpose());
        assertEquals(List.of(new BandwidthSample(clock.instant(), 1024, 2048)), monitor.bandwidth());
        assertEquals(List.of("[WARN] Problem bootstrapping. \u00d72"), monitor.log().stream().map(LogEntry::display).toList());
    }

    @Test
    void circuitCountsFollowCircEvents() {
        TorMonitorState monitor = new TorMonitorState(clock);
        assertEquals(new org.veilswarm.api.transport.CircuitCounts(0, 0, 0, 0), monitor.circuitCounts());
        feed(monitor, "CIRC 7 LAUNCHED PURPOSE=GENERAL");
        feed(monitor, "CIRC 7 EXTENDED $AAAA~relay0 PURPOSE=GENERAL");
        feed(monitor, "CIRC 7 BUILT $AAAA~relay0,$BBBB~relay1,$CCCC~relay2 PURPOSE=GENERAL");
        feed(monitor, "CIRC 7 BUILT $AAAA~relay0,$BBBB~relay1,$CCCC~relay2 PURPOSE=HS_CLIENT_REND");
        feed(monitor, "CIRC 8 LAUNCHED PURPOSE=GENERAL");
        feed(monitor, "CIRC 8 BUILT $AAAA~relay0,$BBBB~relay1,$CCCC~relay2 PURPOSE=GENERAL");
        feed(monitor, "CIRC 9 LAUNCHED PURPOSE=GENERAL");
        feed(monitor, "CIRC 9 FAILED $AAAA~relay0 REASON=TIMEOUT");
        assertEquals(new org.veilswarm.api.transport.CircuitCounts(2, 0, 2, 1), monitor.circuitCounts(),
                "two open (a purpose change is no second build), one failed");
        feed(monitor, "CIRC 7 CLOSED $AAAA~relay0,$BBBB~relay1,$CCCC~relay2 REASON=FINISHED");
        assertEquals(new org.veilswarm.api.transport.CircuitCounts(1, 0, 2, 1), monitor.circuitCounts(),
                "a closed circuit is no longer open but stays built");
    }

    @Test
    void aClientCreditsNothingAsRelayedWhateverItsOverhead() {
        TorRelayCounters counters = new TorRelayCounters(clock, false);
        counters.onBandwidth(9_000, 8_000);
        counters.onOwnCircuit(8_500, 300);
        RelayCount count = counters.current();
        assertEquals(0, count.bytesRelayed());
        assertEquals(8_800, count.bytesOwn());
    }

    @Test
    void aRelayCreditsWrittenBytesBeyondItsOwnCircuitsAndLocalDeliveries() {
        TorRelayCounters counters = new TorRelayCounters(clock, true);
        counters.countsPrivateBandwidth(true);
        counters.onBandwidth(600_000, 1_100_000);
        counters.onOwnCircuit(50_000, 40_000);
        counters.onLocalDelivered(46_000);
        RelayCount count = counters.current();
        assertEquals(1_100_000 - 40_000 - 46_000, count.bytesRelayed());
        assertEquals(count.bytesRelayed() / 514, count.cellsRelayed());
        assertEquals(90_000, count.bytesOwn());

        counters.countsPrivateBandwidth(false); // live network: BW never saw the loopback bytes
        assertEquals(1_100_000 - 40_000, counters.current().bytesRelayed());
    }

    @Test
    void rollingAnEpochKeepsItAndStartsFromZero() {
        TorRelayCounters counters = new TorRelayCounters(clock, true);
        counters.onBandwidth(0, 5_140);
        clock.advance(Duration.ofHours(1));
        counters.roll();
        assertEquals(1, counters.completedEpochs().size());
        assertEquals(5_140, counters.completedEpochs().get(0).bytesRelayed());
        assertEquals(10, counters.completedEpochs().get(0).cellsRelayed());
        assertEquals(0, counters.current().bytesRelayed());
        for (int i = 0; i < TorRelayCounters.KEPT_EPOCHS + 5; i++) {
            counters.roll();
        }
        assertEquals(TorRelayCounters.KEPT_EPOCHS, counters.completedEpochs().size());
    }

    private static void feed(TorMonitorState monitor, String line) {
        monitor.onEvent(EventParser.parse(new ControlReply(650, List.of(new ReplyLine(line)))));
    }

    /** A clock tests move by hand (no absolute-time assertions on the machine's clock). */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.EPOCH;

        Instant tick() {
            now = now.plusSeconds(1);
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

}
