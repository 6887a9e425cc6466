package org.veilswarm.directory.authority;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.api.directory.SignedRelayDescriptor;

/**
 * What one authority knows of one relay when it votes.
 *
 * @param descriptor the newest accepted descriptor
 * @param firstSeen when this authority first accepted a descriptor for the relay's identity
 * @param reachableSince start of the current run of successful reachability checks, empty if the last
 *        check failed or none ran yet
 */
public record RelayObservation(SignedRelayDescriptor descriptor, Instant firstSeen, Optional<Instant> reachableSince) {
    public RelayObservation {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(reachableSince, "reachableSince");
    }

    public boolean reachable() {
        return reachableSince.isPresent();
    }
}
