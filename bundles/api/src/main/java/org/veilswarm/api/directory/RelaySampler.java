package org.veilswarm.api.directory;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Picks relays for circuits: at random, weighted by bandwidth, among relays carrying the role's flags,
 * and only after verifying what the directory returned (signatures, Merkle proofs). Implemented by
 * directory schemes; used by onion transports to build paths.
 */
@ConsumerType
public interface RelaySampler {

    /**
     * One verified, bandwidth-weighted pick for {@code role} that {@code constraints} allow. Completes
     * exceptionally with {@link DirectoryException} when no verified directory is available or no relay
     * satisfies the constraints.
     */
    CompletionStage<RelayDescriptor> pick(RelayRole role, PathConstraints constraints);
}
