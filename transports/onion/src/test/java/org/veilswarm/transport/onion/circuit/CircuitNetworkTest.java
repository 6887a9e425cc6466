package org.veilswarm.transport.onion.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.X25519;
import org.veilswarm.transport.onion.cell.Begin;
import org.veilswarm.transport.onion.cell.Cell;
import org.veilswarm.transport.onion.cell.Create2;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.Destroy;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.Drop;
import org.veilswarm.transport.onion.cell.End;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.Extend2;
import org.veilswarm.transport.onion.cell.HandshakeType;
import org.veilswarm.transport.onion.cell.LinkSpecifier;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** Three (or four) relays and a client in this JVM over real TLS links on 127.0.0.1. */
@ExtendWith(LeakCheck.class)
class CircuitNetworkTest {
    private static final int DROP = RelayCommand.DROP.code();
    private static final int BEGIN = RelayCommand.BEGIN.code();

    private OnionTestNetwork network;
    private final BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();

    private OnionTestNetwork network(int relays, CircuitSettings relaySettings, CircuitSettings clientSettings)
            throws Exception {
        network = new OnionTestNetwork(relays, relaySettings, clientSettings);
        return network;
    }

    @AfterEach
    void stop() {
        if (network != null) {
            network.close();
        }
    }

    private OnionTestNetwork.Received next() throws InterruptedException {
        OnionTestNetwork.Received received = inbox.poll(10, TimeUnit.SECONDS);
        assertNotNull(received, "no relay message within 10 s");
        return received;
    }

    private static CircuitClosedException closedReason(OriginCircuit circuit) throws Exception {
        return circuit.whenClosed().get(10, TimeUnit.SECONDS);
    }

    /** BEGIN to {@code hop} must come back as END(EXITPOLICY) from that hop: the circuit works end to end. */
    private void assertHopAnswers(OriginCircuit circuit, int hop) throws Exception {
        circuit.send(hop, 7, new Begin("example.org", 80, 0));
        OnionTestNetwork.Received answer = next();
        assertEquals(hop, answer.hop());
        assertEquals(7, answer.envelope().streamId());
        assertEquals(EndReason.EXITPOLICY.code(), assertInstanceOf(End.class, answer.envelope().message()).reasonCode());
    }

    @Test
    void aThreeHopCircuitDeliversCellsToTheHopTheyAreFor() throws Exception {
        OnionTestNetwork net = network(3, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(2));
        assertEquals(3, circuit.hops());
        assertTrue((circuit.circuitId() & CircuitTable.INITIATOR_BIT) != 0, "the link initiator sets the high bit (§5.1.1)");

        long relayedBefore0 = net.relay(0).counters().current().cellsRelayed();
        long relayedBefore1 = net.relay(1).counters().current().cellsRelayed();
        for (int i = 0; i < 5; i++) {
            circuit.send(2, 0, Drop.INSTANCE);
        }
        OnionTestNetwork.await(() -> net.relay(2).recognizedCells(DROP) == 5, "DROP recognized at the last hop");
        assertHopAnswers(circuit, 2); // also orders: the DROPs were handled before this answer came back
        assertEquals(0, net.relay(0).recognizedCells(DROP), "the first hop only relays");
        assertEquals(0, net.relay(1).recognizedCells(DROP), "the middle hop only relays");
        assertEquals(1, net.relay(2).recognizedCells(BEGIN));
        assertEquals(0, net.relay(1).recognizedCells(BEGIN));

        // 5 DROP + BEGIN forward, END back: 7 cells through each of the first two relays.
        assertEquals(7, net.relay(0).counters().current().cellsRelayed() - relayedBefore0);
        assertEquals(7, net.relay(1).counters().current().cellsRelayed() - relayedBefore1);
        assertEquals(7 * 514, net.relay(1).counters().current().bytesRelayed()
                - relayedBefore1 * 514);
        assertEquals(0, net.relay(2).counters().current().cellsRelayed(), "the last hop relays nothing");
        assertTrue(net.relay(2).counters().current().bytesOwn() > 0, "cells ending at the last hop are its own");

        assertHopAnswers(circuit, 1);
        assertHopAnswers(circuit, 0);
        circuit.destroy();
    }

    @Test
    void aStreamCommandWithStreamIdZeroClosesTheOriginCircuit() throws Exception {
        OnionTestNetwork net = network(2, CircuitSettings.defaults(), CircuitSettings.defaults());
        // The last hop answers a DROP with RELAY_DATA on stream 0 (HopControl sends with stream ID 0).
        net.relay(1).handleControlMessages((hop, message) -> {
            if (!(message instanceof Drop)) {
                return false;
            }
            hop.send(new Data(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
            return true;
        });
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1));
        circuit.send(1, 0, Drop.INSTANCE);
        CircuitClosedException why = closedReason(circuit);
        assertEquals(DestroyReason.PROTOCOL.code(), why.reasonCode(), "tor-spec §6.1: DATA needs a stream");
        assertTrue(inbox.isEmpty(), "the DATA reached no handler: " + inbox);
        OnionTestNetwork.await(() -> net.relay(1).circuitEntries() == 0, "the relays learned of the DESTROY");
    }

    @Test
    void destroyFromTheClientTearsDownEveryHop() throws Exception {
        OnionTestNetwork net = network(3, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(2));
        assertEquals(2, net.relay(0).circuitEntries(), "both halves at the first relay");
        assertEquals(2, net.relay(1).circuitEntries(), "both halves at the middle relay");
        assertEquals(1, net.relay(2).circuitEntries(), "the last hop has one");
        circuit.destroy();
        assertEquals(DestroyReason.REQUESTED, closedReason(circuit).reason().orElseThrow());
        for (OnionRelay relay : net.relays) {
            OnionTestNetwork.await(() -> relay.circuitEntries() == 0, "circuit tables empty at " + relay.address());
        }
        assertThrows(CircuitClosedException.class, () -> circuit.send(2, 0, Drop.INSTANCE));
    }

    @Test
    void losingTheMiddleRelaysLinksClosesTheCircuitCleanlyAndOthersCanBeBuilt() throws Exception {
        OnionTestNetwork net = network(4, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(2));
        net.relay(1).closeLinks();
        CircuitClosedException closed = closedReason(circuit);
        // The first relay lost its next link's circuit (DESTROY CHANNEL_CLOSED from the middle, or the
        // link itself) and, per §5.4, sends DESTROYED on to us.
        assertTrue(Set.of(DestroyReason.DESTROYED, DestroyReason.CHANNEL_CLOSED).contains(closed.reason().orElseThrow()),
                closed.getMessage());
        assertThrows(CircuitClosedException.class, () -> circuit.send(2, 0, Drop.INSTANCE));
        OnionTestNetwork.await(() -> net.relay(0).circuitEntries() == 0 && net.relay(2).circuitEntries() == 0,
                "the other hops freed the circuit");

        OriginCircuit other = net.build(inbox, net.relay(0), net.relay(3), net.relay(2));
        assertHopAnswers(other, 2);
        other.destroy();
    }

    @Test
    void extend2InAPlainRelayCellIsRefused() throws Exception {
        OnionTestNetwork net = network(2, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0));
        RelayTarget target = net.relay(1).target();
        Extend2 extend = new Extend2(List.of(new LinkSpecifier.Ipv4((java.net.Inet4Address) target.address().getAddress(),
                target.address().getPort()), new LinkSpecifier.Ed25519Id(target.identity())), HandshakeType.NTOR,
                new byte[84]);
        circuit.sendUnchecked(0, 0, extend, false);
        assertEquals(DestroyReason.PROTOCOL, closedReason(circuit).reason().orElseThrow());
        assertEquals(1, net.relay(0).refusals());
        assertEquals(0, net.relay(1).circuitEntries(), "nothing was created at the relay named");
    }

    @Test
    void aNinthRelayEarlyCellClosesTheCircuit() throws Exception {
        OnionTestNetwork net = network(1, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0));
        for (int i = 0; i < CircuitSettings.MAX_RELAY_EARLY; i++) {
            circuit.sendUnchecked(0, 0, Drop.INSTANCE, true);
        }
        assertHopAnswers(circuit, 0); // eight are fine
        assertTrue(circuit.isOpen());
        circuit.sendUnchecked(0, 0, Drop.INSTANCE, true);
        assertEquals(DestroyReason.PROTOCOL, closedReason(circuit).reason().orElseThrow());
        assertEquals(1, net.relay(0).refusals());
    }

    @Test
    void theClientRefusesToSpendMoreThanEightRelayEarlyCells() throws Exception {
        OnionTestNetwork net = network(1, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0));
        for (int i = 0; i < CircuitSettings.MAX_RELAY_EARLY; i++) {
            circuit.sendUnchecked(0, 0, Drop.INSTANCE, true);
        }
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> circuit.extend(net.relay(0).target()).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, refused.getCause());
        circuit.destroy();
    }

    @Test
    void aCreate2FloodBeyondTheLimitIsRefusedAndTheLinkKeepsItsCircuits() throws Exception {
        int max = 4;
        OnionTestNetwork net = network(1, CircuitSettings.defaults().withMaxCircuitsPerLink(max), CircuitSettings.defaults());
        OnionRelay relay = net.relay(0);
        Link link = net.connect(relay);
        List<Future<OriginCircuit>> attempts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            attempts.add(net.client.create(link, relay.ntorOnionKey(), relay.identity()));
        }
        List<OriginCircuit> built = new ArrayList<>();
        int resourceLimit = 0;
        for (Future<OriginCircuit> attempt : attempts) {
            attempt.await(10, TimeUnit.SECONDS);
            if (attempt.isSuccess()) {
                built.add(attempt.getNow());
            } else if (attempt.cause() instanceof CircuitClosedException closed
                    && closed.reason().orElse(null) == DestroyReason.RESOURCELIMIT) {
                resourceLimit++;
            }
        }
        assertEquals(max, built.size());
        assertEquals(20 - max, resourceLimit);
        assertTrue(link.channel().isActive(), "the link stays up");
        assertEquals(max, relay.circuitEntries());
        OriginCircuit survivor = built.get(0);
        survivor.onMessage((hop, envelope) -> inbox.add(new OnionTestNetwork.Received(hop, envelope)));
        assertHopAnswers(survivor, 0);
        built.forEach(OriginCircuit::destroy);
        OnionTestNetwork.await(() -> relay.circuitEntries() == 0, "all freed");
    }

    @Test
    void aCreate2WithTheWrongHalfOfTheIdSpaceIsRefused() throws Exception {
        OnionTestNetwork net = network(1, CircuitSettings.defaults(), CircuitSettings.defaults());
        OnionRelay relay = net.relay(0);
        Link link = net.connect(relay);
        int responderStyleId = 0x00001234; // high bit clear: only the responder (the relay) may allocate it
        CircuitTable.of(link).write(new Create2(responderStyleId, HandshakeType.NTOR, new byte[84]));
        Cell answer = net.clientCells.poll(10, TimeUnit.SECONDS);
        Destroy destroy = assertInstanceOf(Destroy.class, answer);
        assertEquals(responderStyleId, destroy.circuitId());
        assertEquals(DestroyReason.PROTOCOL, destroy.reason().orElseThrow());
        assertEquals(0, relay.circuitEntries());
    }

    @Test
    void circuitIdsAreDistinctNonZeroAndCarryTheInitiatorBit() throws Exception {
        OnionTestNetwork net = network(1, CircuitSettings.defaults(), CircuitSettings.defaults());
        OnionRelay relay = net.relay(0);
        Link link = net.connect(relay);
        Set<Integer> ids = new HashSet<>();
        List<OriginCircuit> circuits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            OriginCircuit circuit = net.client.create(link, relay.ntorOnionKey(), relay.identity()).get(10, TimeUnit.SECONDS);
            circuits.add(circuit);
            assertTrue(ids.add(circuit.circuitId()), "reused ID");
            assertNotEquals(0, circuit.circuitId());
            assertTrue((circuit.circuitId() & CircuitTable.INITIATOR_BIT) != 0);
        }
        assertEquals(50, CircuitTable.of(link).size());
        circuits.forEach(OriginCircuit::destroy);
        assertEquals(0, CircuitTable.of(link).size());
    }

    @Test
    void anExtendThatGetsNoAnswerTimesOutAndDestroysTheCircuit() throws Exception {
        OnionTestNetwork net = network(1, CircuitSettings.defaults(),
                CircuitSettings.defaults().withBuildTimeout(Duration.ofSeconds(1)));
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            OriginCircuit circuit = net.build(inbox, net.relay(0));
            RelayTarget blackHole = new RelayTarget(Ed25519.generateKeyPair().publicKey(),
                    X25519.generateKeyPair().publicKey(), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            silent.getLocalPort()));
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> circuit.extend(blackHole).get(10, TimeUnit.SECONDS));
            assertInstanceOf(CircuitBuildTimeoutException.class, failed.getCause());
            assertInstanceOf(CircuitBuildTimeoutException.class, closedReason(circuit));
            OnionTestNetwork.await(() -> net.relay(0).circuitEntries() == 0, "DESTROY reached the relay");
        }
    }

    @Test
    void anExtend2WhoseIdentityTheNamedRelayCannotProveFails() throws Exception {
        OnionTestNetwork net = network(2, CircuitSettings.defaults(), CircuitSettings.defaults());
        OriginCircuit circuit = net.build(inbox, net.relay(0));
        // Relay 1's address, but an identity relay 1 does not hold: the link handshake must fail (§5.1.2).
        RelayTarget impostor = new RelayTarget(Ed25519.generateKeyPair().publicKey(), net.relay(1).ntorOnionKey(),
                net.relay(1).address());
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> circuit.extend(impostor).get(10, TimeUnit.SECONDS));
        CircuitClosedException closed = assertInstanceOf(CircuitClosedException.class, failed.getCause());
        assertEquals(DestroyReason.CONNECTFAILED, closed.reason().orElseThrow());
        assertEquals(0, net.relay(1).circuitEntries());
    }

    @Test
    void relaysKeepOneLinkPerPeerIdentity() throws Exception {
        OnionTestNetwork net = network(2, CircuitSettings.defaults(), CircuitSettings.defaults());
        Link link = net.connect(net.relay(0));
        List<OriginCircuit> circuits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            OriginCircuit circuit = net.client.create(link, net.relay(0).ntorOnionKey(), net.relay(0).identity())
                    .get(10, TimeUnit.SECONDS);
            circuit.extend(net.relay(1).target()).get(10, TimeUnit.SECONDS);
            circuits.add(circuit);
        }
        // The reverse direction reuses the link relay 0 opened (relay 0 authenticated on it).
        OriginCircuit reverse = net.build(inbox, net.relay(1), net.relay(0));
        assertEquals(2, net.relay(0).linkCount(), "the client's link and one to relay 1");
        assertEquals(2, net.relay(1).linkCount(), "the client's link and the one from relay 0");
        assertEquals(5, net.relay(1).circuitEntries(), "three circuits from relay 0, plus both halves of the reverse one");
        assertHopAnswers(reverse, 1);
        circuits.forEach(OriginCircuit::destroy);
        reverse.destroy();
    }
}
