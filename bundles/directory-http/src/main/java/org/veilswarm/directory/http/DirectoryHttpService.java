package org.veilswarm.directory.http;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves some directory resources. Called on the stream's event loop: answer from memory, never block.
 */
@ConsumerType
@FunctionalInterface
public interface DirectoryHttpService {

    /** The answer, or empty when the request is not for one of this service's resources. */
    Optional<DirectoryResponse> serve(DirectoryRequest request);
}
