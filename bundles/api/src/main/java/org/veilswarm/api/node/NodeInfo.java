package org.veilswarm.api.node;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/** Where the node keeps its state and what state it is in. Registered by the node bundle. */
@ProviderType
public interface NodeInfo {

    /** ConfigAdmin PID of the node's configuration (nickname, ...). */
    String CONFIGURATION_PID = "org.veilswarm.node";

    /** Framework property through which the launcher passes the data directory's absolute path. */
    String DATA_DIRECTORY_PROPERTY = "veilswarm.data.dir";

    /** The node's data directory (default {@code ~/.veilswarm}). */
    Path dataDirectory();

    /**
     * A named area of the data directory, created (owner-only) if missing, for a component's own state:
     * for example {@code area("tracker")}.
     *
     * @throws IllegalArgumentException if {@code name} is not a single plain path segment
     * @throws java.io.UncheckedIOException if the directory cannot be created (a file in the way, permissions)
     */
    Path area(String name);

    /** The node's current status. */
    NodeStatus status();
}
