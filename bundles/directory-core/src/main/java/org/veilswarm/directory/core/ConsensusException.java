package org.veilswarm.directory.core;

import org.veilswarm.api.directory.DirectoryException;

/** Bytes that are not a well-formed (signed) consensus document (docs/protocols/directory-consensus.md §2). */
public final class ConsensusException extends DirectoryException {
    private static final long serialVersionUID = 1L;

    public ConsensusException(String message) {
        super(message);
    }
}
