package org.veilswarm.api.directory;

import java.util.List;
import java.util.Set;

/**
 * What a pick must avoid: relays already on the path (and, when {@code excludeFamilies}, their families).
 *
 * @param alreadyChosen relays on the path so far, in order
 * @param excludeFamilies also avoid relays in the same family as any already chosen
 * @param alsoExclude further identities to avoid (for example the node's own relay)
 */
public record PathConstraints(List<RelayDescriptor> alreadyChosen, boolean excludeFamilies,
        Set<RelayDescriptor.Key> alsoExclude) {

    public PathConstraints {
        alreadyChosen = List.copyOf(alreadyChosen);
        alsoExclude = Set.copyOf(alsoExclude);
    }

    /** No constraint (the first hop of a path). */
    public static PathConstraints none() {
        return new PathConstraints(List.of(), true, Set.of());
    }

    /** These constraints plus one more chosen relay. */
    public PathConstraints with(RelayDescriptor chosen) {
        List<RelayDescriptor> next = new java.util.ArrayList<>(alreadyChosen);
        next.add(chosen);
        return new PathConstraints(next, excludeFamilies, alsoExclude);
    }

    /** Whether {@code candidate} may be added to the path. */
    public boolean allows(RelayDescriptor candidate) {
        if (alsoExclude.contains(candidate.identityKey())) {
            return false;
        }
        for (RelayDescriptor chosen : alreadyChosen) {
            if (excludeFamilies ? chosen.sameFamily(candidate) : chosen.sameRelay(candidate)) {
                return false;
            }
        }
        return true;
    }
}
