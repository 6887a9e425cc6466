package org.veilswarm.api.directory;

import java.util.EnumSet;
import java.util.Set;

/** The position a relay is picked for; each role requires some flags. */
public enum RelayRole {
    /** First hop of a circuit. */
    GUARD(EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.GUARD, RelayFlag.FAST, RelayFlag.STABLE)),
    /** Any hop after the first (Veilswarm relays have no exits to the clear net). */
    MIDDLE(EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID)),
    /** A relay storing onion service descriptors. */
    HSDIR(EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.HSDIR));

    private final Set<RelayFlag> required;

    RelayRole(Set<RelayFlag> required) {
        this.required = Set.copyOf(required);
    }

    /** Flags a relay must carry to be picked for this role. */
    public Set<RelayFlag> requiredFlags() {
        return required;
    }
}
