package org.veilswarm.api.accounting;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A share-ratio accounting scheme. The swarm's choker asks it for peers' {@link Standing}; transports and
 * the swarm report {@link Transfer}s; contribution proofs let credit earned here be shown elsewhere
 * without being forged or linked to the relay that earned it.
 */
@ConsumerType
public interface AccountingScheme {

    /** Service property naming the scheme. */
    String SCHEME = "accounting.scheme";

    /** The scheme's name, equal to the {@link #SCHEME} service property. */
    String name();

    /** Records bytes moved. Must be cheap: called from I/O paths. */
    void record(Transfer transfer);

    /** The standing of a peer; {@link Standing#BASE} for unknown peers. */
    Standing standing(PeerRef peer);

    /** This node's totals and ratio. */
    Ratio ratio();

    /**
     * A proof of this node's contribution that a peer can verify, in the scheme's own format, or empty if
     * the scheme has nothing to prove yet.
     */
    Optional<byte[]> proveContribution();

    /**
     * Verifies a peer's contribution proof and returns the standing it earns; an invalid proof earns
     * {@link Standing#BASE}, never less.
     */
    Standing acceptContribution(PeerRef peer, byte[] proof);
}
