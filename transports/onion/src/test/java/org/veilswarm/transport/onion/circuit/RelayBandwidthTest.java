package org.veilswarm.transport.onion.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.cell.Drop;
import org.veilswarm.transport.onion.cell.RelayCommand;

/**
 * The relay's bandwidth bucket (tor's BandwidthRate/BandwidthBurst) over real TLS links: relayed cells are
 * delayed by TCP back-pressure, never dropped. Only a lower bound on the time is asserted (a slow machine
 * can only make it longer).
 */
class RelayBandwidthTest {
    private static final int RATE = 32 * 1024;
    private static final int CELLS = 300;
    /** The most one socket read hands over at once (Netty's adaptive receive buffer), overdrawing the bucket. */
    private static final int LARGEST_READ = 65_536;

    @Test
    void relayedTrafficIsHeldToTheBandwidthRateWithoutLosingACell() throws Exception {
        CircuitSettings limited = CircuitSettings.defaults().withBandwidth(RATE, RATE);
        try (OnionTestNetwork net = new OnionTestNetwork(1, limited, CircuitSettings.defaults())) {
            OnionRelay middle = net.relay(0);
            OnionRelay last = net.startRelay(CircuitSettings.defaults()); // unlimited: only the middle one shapes
            net.relays.add(last);
            BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();
            OriginCircuit circuit = net.build(inbox, middle, last);
            // Let the buckets refill after the circuit build, so each starts with exactly one burst.
            Thread.sleep(1500);
            long relayedBefore = middle.counters().current().cellsRelayed();

            long start = System.nanoTime();
            for (int i = 0; i < CELLS; i++) {
                circuit.send(1, 0, Drop.INSTANCE);
            }
            long deadline = start + TimeUnit.SECONDS.toNanos(60);
            while (last.recognizedCells(RelayCommand.DROP.code()) < CELLS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            System.out.printf("RelayBandwidthTest: %d cells through a relay limited to %d B/s: %.2f s%n", CELLS, RATE,
                    seconds);
            assertEquals(CELLS, last.recognizedCells(RelayCommand.DROP.code()), "every cell arrives: none is dropped");
            assertEquals(CELLS, middle.counters().current().cellsRelayed() - relayedBefore);
            // At least 514 bytes per cell cross the middle relay's read side; one burst is free, and the
            // last read may overdraw the bucket (it is passed on, never dropped).
            double floor = ((double) CELLS * 514 - RATE - LARGEST_READ) / RATE;
            assertTrue(seconds >= floor, String.format(
                    "%d cells through a relay limited to %d B/s took %.2f s, less than the %.2f s the rate allows",
                    CELLS, RATE, seconds, floor));
        }
    }
}
