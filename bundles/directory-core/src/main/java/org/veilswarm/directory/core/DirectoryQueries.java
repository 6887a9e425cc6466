package org.veilswarm.directory.core;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;
import org.veilswarm.api.directory.RelayRole;

/**
 * A connection to one relay acting as a {@code merkle} directory, as the sampler needs it. Declared here and
 * implemented by the networking layer (a BEGIN_DIR stream, tor-spec §6.2), so this library never touches the
 * network. Answers are raw bytes: the sampler trusts nothing before verifying it.
 */
@ConsumerType
public interface DirectoryQueries {

    /** A name for logs and for the bad-directory list (for example the relay's identity). */
    String name();

    /** The current signed header (encoded {@link SignedMerkleHeader}). */
    CompletionStage<byte[]> header();

    /** {@code find <consensus-id> <role> <x>}: an encoded {@link MerkleAnswer}. */
    CompletionStage<byte[]> find(byte[] consensusId, RelayRole role, long x);
}
