package org.veilswarm.transport.onion.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkHandshakeException;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** Channel reuse for first hops (issue #3 item 2, tor-spec §2): relays on 127.0.0.1, links counted at the guard. */
@ExtendWith(LeakCheck.class)
class ReusedFirstHopLinksTest {
    private OnionTestNetwork net;
    private OnionRelay guard;
    private final List<ReusedFirstHopLinks> caches = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        net = new OnionTestNetwork(3);
        guard = net.relay(0);
    }

    @AfterEach
    void stop() {
        caches.forEach(ReusedFirstHopLinks::close);
        net.close();
    }

    private ReusedFirstHopLinks links(Duration idle) {
        CircuitBuilder builder = new CircuitBuilder(CircuitSettings.defaults());
        ReusedFirstHopLinks links = FirstHopLinks.reusing(new Bootstrap().group(net.group()).channel(NioSocketChannel.class),
                LinkSettings.defaults(), builder, idle);
        caches.add(links);
        return links;
    }

    private static PathCircuits circuits(ReusedFirstHopLinks links) {
        return new PathCircuits(new CircuitBuilder(CircuitSettings.defaults()), links);
    }

    private static RelayDescriptor descriptor(OnionRelay relay) {
        return TestRelays.relay(relay.identity(), relay.ntorOnionKey(), relay.address(), Set.of(), TestRelays.ALL_FLAGS);
    }

    private List<RelayDescriptor> path(int... relays) {
        List<RelayDescriptor> path = new ArrayList<>();
        for (int i : relays) {
            path.add(descriptor(net.relay(i)));
        }
        return path;
    }

    private static OriginCircuit built(CompletableFuture<OriginCircuit> circuit) throws Exception {
        return circuit.get(15, TimeUnit.SECONDS);
    }

    @Test
    void fiveCircuitsThroughOneGuardUseOneLink() throws Exception {
        ReusedFirstHopLinks links = links(ReusedFirstHopLinks.DEFAULT_IDLE_TIMEOUT);
        PathCircuits circuits = circuits(links);
        for (int i = 0; i < 5; i++) {
            OriginCircuit circuit = built(circuits.build(path(0, 1, 2)).toCompletableFuture());
            assertEquals(3, circuit.hops());
        }

        assertEquals(1, links.linksOpened());
        assertEquals(1, links.openLinks().size());
        // The guard's links: the client's one and its own one to the middle relay (fresh links would make 6).
        assertEquals(2, guard.linkCount());
        assertEquals(5, net.relay(2).circuitCount());
    }

    @Test
    void concurrentBuildsShareOneHandshake() throws Exception {
        ReusedFirstHopLinks links = links(ReusedFirstHopLinks.DEFAULT_IDLE_TIMEOUT);
        PathCircuits circuits = circuits(links);
        int builds = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<OriginCircuit>> started = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
            CompletableFuture<OriginCircuit> result = new CompletableFuture<>();
            started.add(result);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    circuits.build(path(0)).whenComplete((c, failed) -> {
                        if (failed != null) {
                            result.completeExceptionally(failed);
                        } else {
                            result.complete(c);
                        }
                    });
                } catch (InterruptedException e) {
                    result.completeExceptionally(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (CompletableFuture<OriginCircuit> circuit : started) {
            built(circuit);
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(1, links.linksOpened());
        assertEquals(1, guard.linkCount());
        assertEquals(builds, guard.circuitCount());
    }

    @Test
    void aClosedLinkIsReplacedOnTheNextBuild() throws Exception {
        ReusedFirstHopLinks links = links(ReusedFirstHopLinks.DEFAULT_IDLE_TIMEOUT);
        PathCircuits circuits = circuits(links);
        OriginCircuit first = built(circuits.build(path(0, 1)).toCompletableFuture());
        Link firstLink = links.openLinks().get(0);

        guard.closeLinks();
        OnionTestNetwork.await(() -> links.openLinks().isEmpty(), "the closed link leaves the cache");
        OnionTestNetwork.await(() -> first.whenClosed().isDone(), "the circuit on the closed link closes");

        built(circuits.build(path(0, 1)).toCompletableFuture());
        assertEquals(2, links.linksOpened());
        assertEquals(1, links.openLinks().size());
        assertTrue(firstLink != links.openLinks().get(0), "a new link, not the closed one");
        built(circuits.build(path(0, 2)).toCompletableFuture());
        assertEquals(2, links.linksOpened());
    }

    @Test
    void aLinkIsKeyedByTheProvedIdentityNotTheAddress() throws Exception {
        ReusedFirstHopLinks links = links(ReusedFirstHopLinks.DEFAULT_IDLE_TIMEOUT);
        PathCircuits circuits = circuits(links);
        built(circuits.build(path(0)).toCompletableFuture());

        // relay 1's identity at the guard's address: the handshake proves the guard's identity and fails,
        // and the guard's cached link is not handed out for relay 1.
        OnionRelay other = net.relay(1);
        RelayDescriptor impostor = TestRelays.relay(other.identity(), other.ntorOnionKey(), guard.address(), Set.of(),
                TestRelays.ALL_FLAGS);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> built(circuits.build(List.of(impostor)).toCompletableFuture()));
        assertInstanceOf(LinkHandshakeException.class, failed.getCause());
        assertEquals(1, links.openLinks().size());

        // The failed link is not cached: the right address for relay 1 works afterwards.
        built(circuits.build(path(1)).toCompletableFuture());
        assertEquals(3, links.linksOpened());
        assertEquals(2, links.openLinks().size());
    }

    @Test
    void anIdleLinkIsClosedAndABusyOneKept() throws Exception {
        Duration idle = Duration.ofMillis(300);
        ReusedFirstHopLinks links = links(idle);
        PathCircuits circuits = circuits(links);
        OriginCircuit circuit = built(circuits.build(path(0)).toCompletableFuture());

        Thread.sleep(idle.toMillis() * 3);
        assertEquals(1, links.openLinks().size(), "a link carrying a circuit is not idle");
        assertEquals(1, guard.linkCount());

        circuit.destroy();
        OnionTestNetwork.await(() -> guard.linkCount() == 0, "the guard sees the idle link close");
        assertTrue(links.openLinks().isEmpty());

        built(circuits.build(path(0)).toCompletableFuture());
        assertEquals(2, links.linksOpened());
    }

    @Test
    void closedCacheRefusesBuildsAndClosesItsLinks() throws Exception {
        ReusedFirstHopLinks links = links(ReusedFirstHopLinks.DEFAULT_IDLE_TIMEOUT);
        PathCircuits circuits = circuits(links);
        built(circuits.build(path(0)).toCompletableFuture());
        links.close();
        OnionTestNetwork.await(() -> guard.linkCount() == 0, "the guard sees the link close");
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> built(circuits.build(path(0)).toCompletableFuture()));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
    }

    @Test
    void rejectsANonPositiveIdleTimeout() {
        Bootstrap bootstrap = new Bootstrap().group(net.group()).channel(NioSocketChannel.class);
        CircuitBuilder builder = new CircuitBuilder(CircuitSettings.defaults());
        assertThrows(IllegalArgumentException.class,
                () -> FirstHopLinks.reusing(bootstrap, LinkSettings.defaults(), builder, Duration.ZERO));
    }
}
