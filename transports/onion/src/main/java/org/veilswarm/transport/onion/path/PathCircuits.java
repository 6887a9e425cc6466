package org.veilswarm.transport.onion.path;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.FutureStages;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;

/**
 * Builds circuits through paths of relay descriptors (tor-spec §5.1, §5.3): a link to the first relay,
 * CREATE2 with its ntor key, then EXTEND2 to each further relay at its first OR address. A failed build
 * destroys what was built; the link stays with {@link FirstHopLinks}.
 */
public final class PathCircuits {
    private final CircuitBuilder builder;
    private final FirstHopLinks links;
    private final OriginCircuitCounter counter = new OriginCircuitCounter();

    public PathCircuits(CircuitBuilder builder, FirstHopLinks links) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.links = Objects.requireNonNull(links, "links");
    }

    /** Selects a path with {@code selector} and builds a circuit through it. */
    public CompletionStage<OriginCircuit> build(PathSelector selector) {
        return selector.select().thenCompose(this::build);
    }

    /**
     * A circuit through {@code path}, first hop first.
     *
     * @return completes with the circuit of {@code path.size()} hops, or fails with the link's or circuit's
     *     exception ({@code LinkHandshakeException}, {@code CircuitClosedException})
     */
    public CompletionStage<OriginCircuit> build(List<RelayDescriptor> path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("a path has at least one relay");
        }
        List<RelayTarget> targets = path.stream().map(RelayTarget::of).toList();
        RelayTarget first = targets.get(0);
        CompletionStage<OriginCircuit> circuit = FutureStages.of(links.link(first))
                .thenCompose(link -> FutureStages.of(builder.create(link, first.ntorOnionKey(), first.identity())));
        for (RelayTarget next : targets.subList(1, targets.size())) {
            circuit = circuit.thenCompose(c -> FutureStages.of(c.extend(next)).whenComplete((ok, failed) -> {
                if (failed != null) {
                    c.destroy();
                }
            }));
        }
        return circuit.whenComplete((built, failure) -> {
            if (failure == null) {
                counter.countBuilt(built);
            } else {
                counter.countFailed();
            }
        });
    }

    /** Built, failed and open circuits of this node, for the transport's {@code circuitCounts()}. */
    public OriginCircuitCounter counter() {
        return counter;
    }
}
