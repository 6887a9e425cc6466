package org.veilswarm.node.impl;

/**
 * The node cannot start, for a reason the operator has to fix (a bad data directory, an unreadable or
 * damaged identity key). The message names the file and the fix; nothing was changed on disk.
 */
public final class NodeStartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NodeStartupException(String message) {
        super(message);
    }

    public NodeStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
