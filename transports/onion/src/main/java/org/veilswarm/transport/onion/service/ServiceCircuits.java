package org.veilswarm.transport.onion.service;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.hs.HsDirConnector;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.path.PathRules;
import org.veilswarm.transport.onion.path.PathSelector;
import org.veilswarm.transport.onion.stream.CircuitStreams;

/**
 * Circuits for onion-service work, all {@value #HOPS} hops (rend-spec-v3 §2.2.6, §3): a guard and a middle
 * from the directory, then the relay the protocol names (an HSDir, an introduction or rendezvous point).
 * This node's own relay and the named last hop are never picked for the first two hops.
 */
final class ServiceCircuits {
    static final int HOPS = 3;

    private final RelaySampler sampler;
    private final PathCircuits circuits;
    private final Set<RelayDescriptor.Key> self;

    ServiceCircuits(RelaySampler sampler, PathCircuits circuits, Set<RelayDescriptor.Key> self) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.circuits = Objects.requireNonNull(circuits, "circuits");
        this.self = Set.copyOf(self);
    }

    /** A circuit whose last hop is {@code last}. */
    CompletableFuture<OriginCircuit> to(RelayDescriptor last) {
        Set<RelayDescriptor.Key> exclude = new HashSet<>(self);
        exclude.add(last.identityKey());
        PathSelector selector = new PathSelector(sampler, new PathRules(List.of(RelayRole.GUARD, RelayRole.MIDDLE),
                true, exclude, PathRules.DEFAULT_ATTEMPTS_PER_HOP));
        return selector.select().thenCompose(prefix -> {
            List<RelayDescriptor> path = new ArrayList<>(prefix);
            path.add(last);
            return circuits.build(path);
        }).toCompletableFuture();
    }

    CompletableFuture<OriginCircuit> to(RelayTarget last) {
        return to(asDescriptor(last));
    }

    /**
     * {@code count} distinct relays for {@code role}, never this node's (e.g. introduction points, §3.1),
     * one path-selection run so that the picks exclude each other.
     */
    CompletionStage<List<RelayDescriptor>> distinct(RelayRole role, int count) {
        return new PathSelector(sampler, new PathRules(java.util.Collections.nCopies(count, role), false, self,
                PathRules.DEFAULT_ATTEMPTS_PER_HOP)).select();
    }

    /**
     * One relay for {@code role} that is neither this node's nor in {@code exclude} (a replacement
     * introduction point must differ from the service's other ones and from relays that just failed).
     */
    CompletionStage<RelayDescriptor> pickExcluding(RelayRole role, Set<RelayDescriptor.Key> exclude) {
        Set<RelayDescriptor.Key> all = new HashSet<>(self);
        all.addAll(exclude);
        return new PathSelector(sampler, new PathRules(List.of(role), false, all, PathRules.DEFAULT_ATTEMPTS_PER_HOP))
                .select().thenApply(path -> path.get(0));
    }

    /**
     * A guard, a middle and a rendezvous point avoiding {@code exclude} (the relays of a client's other
     * rendezvous circuits, so that K streams to one share share no relay on the client's side).
     */
    CompletionStage<List<RelayDescriptor>> rendezvousPath(Set<RelayDescriptor.Key> exclude) {
        Set<RelayDescriptor.Key> all = new HashSet<>(self);
        all.addAll(exclude);
        return new PathSelector(sampler, new PathRules(List.of(RelayRole.GUARD, RelayRole.MIDDLE, RelayRole.MIDDLE),
                true, all, PathRules.DEFAULT_ATTEMPTS_PER_HOP)).select();
    }

    /** A circuit through exactly {@code path} (chosen beforehand, e.g. by {@link #rendezvousPath}). */
    CompletableFuture<OriginCircuit> through(List<RelayDescriptor> path) {
        return circuits.build(path).toCompletableFuture();
    }

    /** A rendezvous point (§3.3: the client picks any relay), never this node's. */
    CompletionStage<RelayTarget> pickRendezvousPoint() {
        return sampler.pick(RelayRole.MIDDLE, new PathConstraints(List.of(), false, self)).thenApply(RelayTarget::of);
    }

    /** BEGIN_DIR over a fresh circuit to the HSDir (§2.2.6); the circuit is destroyed with the stream. */
    HsDirConnector<RelayDescriptor> hsDirConnector() {
        return hsdir -> to(hsdir).thenCompose(circuit -> {
            CompletableFuture<Channel> stream = new CompletableFuture<>();
            CircuitStreams.attach(circuit).openDirectory(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    // HsDirClient adds its own handlers once the stream is open.
                }
            }).addListener(done -> {
                if (done.isSuccess()) {
                    Channel channel = (Channel) done.getNow();
                    channel.closeFuture().addListener(closed -> circuit.destroy());
                    stream.complete(channel);
                } else {
                    circuit.destroy();
                    stream.completeExceptionally(done.cause());
                }
            });
            return stream;
        });
    }

    /**
     * A relay a descriptor or INTRODUCE2 names only by link specifiers, as the path builder's input: only
     * identity, onion key and address are used to extend to it.
     */
    static RelayDescriptor asDescriptor(RelayTarget target) {
        return new RelayDescriptor(target.identity(), target.ntorOnionKey(), List.of(target.address()), 0, 0, Set.of(),
                "", Set.of(RelayFlag.RUNNING, RelayFlag.VALID), Instant.EPOCH);
    }
}
