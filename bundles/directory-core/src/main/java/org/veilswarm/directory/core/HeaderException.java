package org.veilswarm.directory.core;

import org.veilswarm.api.directory.DirectoryException;

/** A signed header's bytes are not a well-formed header (docs/protocols/directory-merkle.md §2). */
public final class HeaderException extends DirectoryException {
    private static final long serialVersionUID = 1L;

    public HeaderException(String message) {
        super(message);
    }
}
