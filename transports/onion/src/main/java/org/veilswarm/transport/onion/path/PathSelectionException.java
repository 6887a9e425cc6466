package org.veilswarm.transport.onion.path;

import org.veilswarm.api.directory.RelayRole;

/**
 * The directory could not supply a valid path: no directory is bound, the sampler failed, or every pick
 * for a hop broke the path's rules within the allowed attempts. The message names the hop, its role and
 * the last reason.
 */
public final class PathSelectionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int hop;
    private final transient RelayRole role;

    public PathSelectionException(int hop, RelayRole role, String message, Throwable cause) {
        super(message, cause);
        this.hop = hop;
        this.role = role;
    }

    /** The hop (0 = first) that could not be filled; -1 when no hop was tried (no directory). */
    public int hop() {
        return hop;
    }

    /** The role the hop needed; null when no hop was tried. */
    public RelayRole role() {
        return role;
    }
}
