package org.veilswarm.transport.onion.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;

/**
 * What a path must look like: the role of each hop, whether two relays of one family may share a path
 * (path-spec §2.2 says they may not; Veilswarm makes it configurable for small test networks), the
 * identities never to use (this node's own relay), and how many picks a hop may take before the
 * directory is declared unable to supply a path.
 *
 * @param roles one role per hop, first hop first
 * @param excludeFamilies avoid a relay of the same family as one already on the path, or in the same IPv4
 *     /16 or IPv6 /32 (path-spec §2.2; loopback addresses exempt)
 * @param exclude identities never picked (for example this node's relay)
 * @param attemptsPerHop picks asked of the sampler per hop before giving up (at least 1)
 */
public record PathRules(List<RelayRole> roles, boolean excludeFamilies, Set<RelayDescriptor.Key> exclude,
        int attemptsPerHop) {
    /** Picks per hop by default: enough for a sampler that ignores the constraints now and then. */
    public static final int DEFAULT_ATTEMPTS_PER_HOP = 8;
    /** Circuits stay short: tor's default is 3 hops, and RELAY_EARLY allows at most 8 extends (§5.6). */
    public static final int MAX_HOPS = 8;

    public PathRules {
        roles = List.copyOf(roles);
        if (roles.isEmpty() || roles.size() > MAX_HOPS) {
            throw new IllegalArgumentException("a path has 1.." + MAX_HOPS + " hops, got " + roles.size());
        }
        exclude = Set.copyOf(exclude);
        if (attemptsPerHop < 1) {
            throw new IllegalArgumentException("attemptsPerHop must be at least 1, got " + attemptsPerHop);
        }
    }

    /**
     * A guard, then {@code hops - 1} middles (Veilswarm relays have no exits: the last hop is a middle),
     * families excluded, {@code self} (may be null) never used.
     */
    public static PathRules standard(int hops, RelayDescriptor.Key self) {
        if (hops < 1) {
            throw new IllegalArgumentException("a path has at least one hop, got " + hops);
        }
        List<RelayRole> roles = new ArrayList<>(hops);
        roles.add(RelayRole.GUARD);
        for (int i = 1; i < hops; i++) {
            roles.add(RelayRole.MIDDLE);
        }
        return new PathRules(roles, true, self == null ? Set.of() : Set.of(self), DEFAULT_ATTEMPTS_PER_HOP);
    }

    /** These rules with families allowed ({@code false}) or excluded ({@code true}). */
    public PathRules withExcludeFamilies(boolean exclude) {
        return new PathRules(roles, exclude, this.exclude, attemptsPerHop);
    }

    /** These rules with another role for the last hop (for example {@link RelayRole#HSDIR}). */
    public PathRules withLastRole(RelayRole role) {
        List<RelayRole> next = new ArrayList<>(roles);
        next.set(next.size() - 1, Objects.requireNonNull(role, "role"));
        return new PathRules(next, excludeFamilies, exclude, attemptsPerHop);
    }

    public int hops() {
        return roles.size();
    }
}
