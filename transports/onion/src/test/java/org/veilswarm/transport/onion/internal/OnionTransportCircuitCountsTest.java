package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.transport.CircuitCounts;
import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.path.DirectorySamplers;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * The transport's circuit counts (issue #8, console statistics) on real relays over loopback: this node's own
 * circuits built, failed and open, and the circuits of another client this node's relay carries.
 */
@ExtendWith(LeakCheck.class)
class OnionTransportCircuitCountsTest {
    private final Ed25519KeyPair nodeKey = Ed25519.generateKeyPair();
    private final ServiceKey serviceKey = EngineTestValues.serviceKey(nodeKey);
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private static RelayDescriptor descriptor(OnionRelay relay) {
        return new RelayDescriptor(relay.identity(), relay.ntorOnionKey(), List.of(relay.address()), 1_000_000, 0,
                Set.of(), "0.1.0", Set.of(RelayFlag.values()), Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void ownCircuitsAreCountedBuiltFailedAndOpenAndRelayedOnesWhileTheyRun() throws Exception {
        OnionTestNetwork net = new OnionTestNetwork(3);
        closeLater.add(net);
        OnionTransportEngine engine = new OnionTransportEngine(
                new OnionTransportSettings("127.0.0.1", 0, "", true, 1000, 0, 0, 1), serviceKey,
                new DirectorySamplers(""));
        closeLater.add(engine);
        assertEquals(new CircuitCounts(0, 0, 0, 0), engine.circuitCounts(), "a fresh transport has no circuits");
        assertEquals(new ServiceCounts(0, 0, 0, 0, java.util.Map.of(), 0, 0, 0, java.util.Map.of()),
                engine.serviceCounts(), "nor services (OnionServicesTest counts them at work)");

        List<RelayDescriptor> relays = new ArrayList<>();
        net.relays().forEach(r -> relays.add(descriptor(r)));
        engine.directory().add(new FullListRelaySampler(relays, new SplittableRandom(7), 64), "consensus");
        OriginCircuit first = engine.buildCircuit().toCompletableFuture().get(20, TimeUnit.SECONDS);
        OriginCircuit second = engine.buildCircuit().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(new CircuitCounts(2, 0, 2, 0), engine.circuitCounts(), "two built and open");

        first.destroy();
        OnionTestNetwork.await(() -> engine.circuitCounts().ownOpen() == 1,
                "one open circuit after destroying one; counts " + engine.circuitCounts());
        assertEquals(2, engine.circuitCounts().ownBuilt(), "built is a total: closing does not lower it");

        // A relay that went away: the next build through it fails and is counted as failed.
        net.kill(net.relay(0));
        net.kill(net.relay(1));
        net.kill(net.relay(2));
        assertThrows(ExecutionException.class,
                () -> engine.buildCircuit().toCompletableFuture().get(20, TimeUnit.SECONDS));
        OnionTestNetwork.await(() -> engine.circuitCounts().ownFailed() == 1,
                "one failed build counted; counts " + engine.circuitCounts());
        second.destroy();

        // Another client's circuit through this node's relay: carried for others while it is open.
        try (OnionTestNetwork others = new OnionTestNetwork(1)) {
            OriginCircuit carried = others.circuit(others.relay(0), engine.relay());
            OnionTestNetwork.await(() -> engine.circuitCounts().relayedOpen() == 1,
                    "the relay counts the circuit it carries; counts " + engine.circuitCounts());
            carried.destroy();
            OnionTestNetwork.await(() -> engine.circuitCounts().relayedOpen() == 0,
                    "the carried circuit closed; counts " + engine.circuitCounts());
        }
    }
}
