package org.veilswarm.transport.onion.hs.rend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Circuits for one party in the test network: two of its own middle relays, then the requested last
 * hop (3 hops, as rend-spec-v3 §3 circuits are). Builds block, so they run on {@code executor}.
 */
final class TestCircuits implements CircuitFactory {
    private final OnionTestNetwork net;
    private final List<OnionRelay> middles;
    private final OnionRelay rendezvousPoint;
    private final ExecutorService executor;

    TestCircuits(OnionTestNetwork net, List<OnionRelay> middles, OnionRelay rendezvousPoint, ExecutorService executor) {
        this.net = net;
        this.middles = middles;
        this.rendezvousPoint = rendezvousPoint;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<OriginCircuit> build(RelayTarget last) {
        return CompletableFuture.supplyAsync(() -> {
            OnionRelay end = net.relays().stream().filter(r -> Arrays.equals(r.identity(), last.identity())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no such relay"));
            List<OnionRelay> path = new ArrayList<>(middles);
            path.remove(end);
            Collections.shuffle(path);
            try {
                return net.build(new LinkedBlockingQueue<>(), path.get(0), path.get(1), end);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    @Override
    public RelayTarget pickRendezvousPoint() {
        return rendezvousPoint.target();
    }
}
