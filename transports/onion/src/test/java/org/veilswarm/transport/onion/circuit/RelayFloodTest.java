package org.veilswarm.transport.onion.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.cell.Begin;
import org.veilswarm.transport.onion.cell.Cell;
import org.veilswarm.transport.onion.cell.Create2;
import org.veilswarm.transport.onion.cell.Destroy;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.End;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.HandshakeType;
import org.veilswarm.transport.onion.crypto.NtorClient;
import org.veilswarm.transport.onion.crypto.NtorPublicKey;
import org.veilswarm.transport.onion.link.Link;

/**
 * Abuse of a relay over real TLS links on loopback (issue 3, "a relay under a flood of CREATE2 cells or
 * garbage stays up, bounded in memory, and keeps serving existing circuits"): a flooder link sends far
 * more CREATE2 cells than the limits allow, or garbage, while a legitimate two-hop circuit through the
 * same relay keeps answering.
 */
class RelayFloodTest {
    private static final int CREATE_RATE = 20;
    private static final int CREATE_BURST = 40;
    private static final int MAX_PENDING = 8;
    private static final int MAX_RELAY_CIRCUITS = 300;
    private static final int FLOOD = 4_000;

    private final BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();
    private OnionTestNetwork net;

    @AfterEach
    void close() {
        if (net != null) {
            net.close();
        }
    }

    private OnionTestNetwork network() throws Exception {
        CircuitSettings limited = CircuitSettings.defaults().withCreateRate(CREATE_RATE, CREATE_BURST)
                .withMaxPendingCreates(MAX_PENDING).withMaxRelayCircuits(MAX_RELAY_CIRCUITS);
        net = new OnionTestNetwork(2, limited, CircuitSettings.defaults());
        return net;
    }

    @Test
    void aCreate2FloodIsRefusedWithResourceLimitWhileAnExistingCircuitKeepsWorking() throws Exception {
        OnionTestNetwork net = network();
        OnionRelay target = net.relay(0);
        OriginCircuit legit = net.build(inbox, target, net.relay(1));
        assertHopAnswers(legit, 1);

        Link flooder = net.connect(target);
        CircuitTable table = CircuitTable.of(flooder);
        NtorPublicKey key = new NtorPublicKey(NtorIdentity.of(target.identity()), target.ntorOnionKey());
        List<byte[]> handshakes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            handshakes.add(NtorClient.start(key).clientHandshake());
        }
        long heapBefore = heapUsedAfterGc();
        int sent = 0;
        for (int round = 0; round < 6; round++) {
            for (; sent < FLOOD * (round + 1) / 6; sent++) {
                table.write(new Create2(CircuitTable.INITIATOR_BIT | (sent + 1), HandshakeType.NTOR,
                        handshakes.get(sent % handshakes.size())));
            }
            // The circuit built before the flood answers in the middle of it, end to end through the relay.
            assertHopAnswers(legit, 1);
        }
        // Generous: on a loaded machine thousands of cells take a while through TLS on both ends.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (target.resourceLimitRefusals() + target.circuitCount() < FLOOD + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(FLOOD + 1, target.resourceLimitRefusals() + target.circuitCount(),
                "every flood CREATE2 answered or refused, and the legitimate circuit");

        // The per-link token bucket admits the burst and the rate for the time the flood took, nothing more.
        int flooderCircuits = target.circuitCount() - 1; // the legitimate circuit is the other one
        assertTrue(flooderCircuits <= MAX_RELAY_CIRCUITS, "relay-wide limit: " + flooderCircuits);
        assertTrue(flooderCircuits < FLOOD / 10, "only a small share of the flood got circuits: " + flooderCircuits);
        assertTrue(target.resourceLimitRefusals() >= FLOOD - flooderCircuits,
                "refused " + target.resourceLimitRefusals() + " of " + FLOOD);
        assertTrue(target.pendingCreates() <= MAX_PENDING);
        long refusedSeen = countDestroys(DestroyReason.RESOURCELIMIT);
        assertTrue(refusedSeen > 0, "the flooder was told RESOURCELIMIT (tor-spec §5.4)");

        long heapGrowth = heapUsedAfterGc() - heapBefore;
        assertTrue(heapGrowth < 16L << 20, "heap grew by " + heapGrowth + " B during a flood of " + FLOOD + " CREATE2");
        assertTrue(flooder.channel().isActive(), "a CREATE2 flood is refused per cell; the link is not garbage");
        assertHopAnswers(legit, 1);
        // Once the flooder goes, its circuits free their slots (on a loaded machine the flood lasts long
        // enough for the bucket to fill the relay to its limit) and a newcomer gets a circuit: the relay is
        // up and its handshake worker not wedged.
        flooder.close().sync();
        OnionTestNetwork.await(() -> target.circuitCount() == 1, "the flooder's circuits freed");
        OriginCircuit fresh = net.build(inbox, target);
        assertHopAnswers(fresh, 0);
    }

    @Test
    void aRelayAtItsCircuitLimitRefusesMoreAndAcceptsAgainOnceCircuitsClose() throws Exception {
        CircuitSettings tight = CircuitSettings.defaults().withMaxRelayCircuits(3);
        net = new OnionTestNetwork(1, tight, CircuitSettings.defaults());
        OnionRelay relay = net.relay(0);
        List<OriginCircuit> circuits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            circuits.add(net.build(inbox, relay));
        }
        Link link = net.connect(relay);
        CircuitClosedException refused = assertInstanceOf(CircuitClosedException.class,
                net.client.create(link, relay.ntorOnionKey(), relay.identity()).await().cause());
        assertEquals(DestroyReason.RESOURCELIMIT.code(), refused.reasonCode(), refused.getMessage());
        assertEquals(3, relay.circuitCount());

        circuits.get(0).destroy();
        OnionTestNetwork.await(() -> relay.circuitCount() == 2, "the destroyed circuit frees its slot");
        OriginCircuit again = net.client.create(link, relay.ntorOnionKey(), relay.identity()).get(10, TimeUnit.SECONDS);
        again.onMessage((hop, envelope) -> inbox.add(new OnionTestNetwork.Received(hop, envelope)));
        assertHopAnswers(again, 0);
    }

    @Test
    void connectionsBeyondThePerAddressCapAreClosedBeforeAnyTlsWork() throws Exception {
        net = new OnionTestNetwork(2, CircuitSettings.defaults().withMaxConnectionsPerAddress(5),
                CircuitSettings.defaults());
        OnionRelay target = net.relay(0);
        OriginCircuit legit = net.build(inbox, target, net.relay(1)); // one connection from 127.0.0.1
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                flood.add(new Socket("127.0.0.1", target.address().getPort())); // and never a TLS byte
            }
            OnionTestNetwork.await(() -> target.refusedConnections() == 16,
                    "16 of 20 idle connections refused (cap 5, one taken by the client), refused "
                            + target.refusedConnections());
            assertHopAnswers(legit, 1);
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        // Closed connections give their slots back: a newcomer from the same address gets a circuit.
        OnionTestNetwork.await(() -> {
            try {
                return net.build(inbox, target).isOpen();
            } catch (Exception refusedStill) {
                return false;
            }
        }, "a new link once the flood's connections closed");
    }

    @Test
    void garbageClosesOnlyTheLinkThatSentIt() throws Exception {
        OnionTestNetwork net = network();
        OnionRelay target = net.relay(0);
        OriginCircuit legit = net.build(inbox, target, net.relay(1));
        int linksBefore = target.linkCount();

        // 1. Garbage instead of TLS: the handshake fails and the connection is closed.
        byte[] junk = new byte[256 * 1024];
        new Random(7).nextBytes(junk);
        try (Socket raw = new Socket("127.0.0.1", target.address().getPort())) {
            raw.setSoTimeout(10_000);
            assertClosedByPeer(raw, junk);
        }

        // 2. Garbage inside TLS after a good handshake: a variable-length cell longer than the relay
        //    accepts (link-fatal, tor-spec §3) closes that link and only that link.
        Link bad = net.connect(target);
        OnionTestNetwork.await(() -> target.linkCount() == linksBefore + 1, "the bad link is up at the relay");
        byte[] tooLong = {0, 0, 0, 0, (byte) 0x80, (byte) 0xFF, (byte) 0xFF};
        bad.channel().writeAndFlush(Unpooled.wrappedBuffer(tooLong));
        assertTrue(bad.channel().closeFuture().await(10, TimeUnit.SECONDS), "the relay closes the garbage link");
        OnionTestNetwork.await(() -> target.linkCount() == linksBefore, "only the garbage link went away");

        assertHopAnswers(legit, 1);
        assertTrue(legit.isOpen());
    }

    private static void assertClosedByPeer(Socket socket, byte[] junk) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        try {
            out.write(junk);
            out.flush();
            while (in.read() != -1) {
                // A TLS alert may come first.
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the relay kept a connection that sent only garbage", e);
        } catch (IOException reset) {
            // Reset by the relay: closed too.
        }
    }

    private long countDestroys(DestroyReason reason) {
        long n = 0;
        for (Cell cell : net.clientCells) {
            if (cell instanceof Destroy destroy && destroy.reasonCode() == reason.code()) {
                n++;
            }
        }
        return n;
    }

    /** BEGIN to {@code hop} must come back as END(EXITPOLICY) from that hop: the circuit works end to end. */
    private void assertHopAnswers(OriginCircuit circuit, int hop) throws Exception {
        circuit.send(hop, 7, new Begin("example.org", 80, 0));
        OnionTestNetwork.Received answer = inbox.poll(10, TimeUnit.SECONDS);
        assertNotNull(answer, "no answer from hop " + hop + " within 10 s");
        assertEquals(hop, answer.hop());
        assertEquals(EndReason.EXITPOLICY.code(), assertInstanceOf(End.class, answer.envelope().message()).reasonCode());
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
