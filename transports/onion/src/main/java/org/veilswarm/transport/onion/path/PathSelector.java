package org.veilswarm.transport.onion.path;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;

/**
 * Selects a path hop by hop through a {@link RelaySampler} (path-spec §2.2): each hop is picked for its
 * role with the constraints of the hops before it. The sampler is asked to respect the constraints, but a
 * path is this node's anonymity, so every pick is checked here again — a relay twice on a path, two relays
 * of one family (declared by both, {@link RelayDescriptor#sameFamily}) or, when families are excluded,
 * in one IPv4 /16 or IPv6 /32 (path-spec §2.2; loopback exempt, see {@link Subnets}), or this node's own
 * relay would let one operator see both ends — and a pick that breaks
 * them is asked again, at most {@link PathRules#attemptsPerHop()} times per hop. Whether a relay fits its
 * role (flags, bandwidth weighting) is the sampler's verified answer and is not second-guessed.
 * Thread-safe; each {@link #select()} is independent.
 */
public final class PathSelector {
    private final RelaySampler sampler;
    private final PathRules rules;

    public PathSelector(RelaySampler sampler, PathRules rules) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    public PathRules rules() {
        return rules;
    }

    /**
     * A path of {@link PathRules#hops()} distinct relays, first hop first.
     *
     * @return completes with the path, or fails with {@link PathSelectionException} naming the hop that
     *     could not be filled and why
     */
    public CompletionStage<List<RelayDescriptor>> select() {
        return selectFrom(new PathConstraints(List.of(), rules.excludeFamilies(), rules.exclude()));
    }

    private CompletionStage<List<RelayDescriptor>> selectFrom(PathConstraints sofar) {
        int hop = sofar.alreadyChosen().size();
        if (hop == rules.hops()) {
            return CompletableFuture.completedFuture(sofar.alreadyChosen());
        }
        return pickHop(hop, rules.roles().get(hop), sofar, 1, null)
                .thenCompose(relay -> selectFrom(sofar.with(relay)));
    }

    private CompletionStage<RelayDescriptor> pickHop(int hop, RelayRole role, PathConstraints sofar, int attempt,
            String lastReason) {
        if (attempt > rules.attemptsPerHop()) {
            return CompletableFuture.failedFuture(new PathSelectionException(hop, role, "the directory supplied no valid "
                    + role + " relay for hop " + (hop + 1) + " of " + rules.hops() + " in " + rules.attemptsPerHop()
                    + " attempts; last: " + lastReason, null));
        }
        CompletionStage<RelayDescriptor> pick;
        try {
            pick = sampler.pick(role, sofar);
        } catch (RuntimeException e) { // a sampler that throws instead of failing its stage
            pick = CompletableFuture.failedFuture(e);
        }
        return pick.handle((relay, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                return retryOrFail(hop, role, sofar, attempt, cause);
            }
            String broken = violation(relay, sofar);
            return broken == null ? CompletableFuture.completedFuture(relay)
                    : pickHop(hop, role, sofar, attempt + 1, broken);
        }).thenCompose(next -> next);
    }

    private CompletionStage<RelayDescriptor> retryOrFail(int hop, RelayRole role, PathConstraints sofar,
            int attempt, Throwable cause) {
        if (attempt >= rules.attemptsPerHop()) {
            return CompletableFuture.failedFuture(new PathSelectionException(hop, role, "the directory could not "
                    + "supply a " + role + " relay for hop " + (hop + 1) + " of " + rules.hops() + " in "
                    + rules.attemptsPerHop() + " attempts: " + cause.getMessage(), cause));
        }
        return pickHop(hop, role, sofar, attempt + 1, String.valueOf(cause.getMessage()));
    }

    /** Why {@code relay} may not join the path, or null when it may. */
    static String violation(RelayDescriptor relay, PathConstraints sofar) {
        if (relay == null) {
            return "the sampler answered no relay";
        }
        Set<RelayDescriptor.Key> exclude = sofar.alsoExclude();
        if (exclude.contains(relay.identityKey())) {
            return "picked an excluded relay (this node's own) " + shortId(relay);
        }
        for (RelayDescriptor chosen : sofar.alreadyChosen()) {
            if (chosen.sameRelay(relay)) {
                return "picked " + shortId(relay) + " twice";
            }
            if (sofar.excludeFamilies() && chosen.sameFamily(relay)) {
                return "picked " + shortId(relay) + " of the same family as " + shortId(chosen);
            }
            if (sofar.excludeFamilies() && Subnets.shareRange(chosen, relay)) {
                return "picked " + shortId(relay) + " in the same /16 (IPv6 /32) as " + shortId(chosen);
            }
        }
        return null;
    }

    static String shortId(RelayDescriptor relay) {
        return HexFormat.of().formatHex(relay.identity(), 0, 8);
    }
}
