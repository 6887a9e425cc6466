package org.veilswarm.swarm.storage;

import java.io.IOException;

/** Storage of one torrent failed (disk full, permission denied, unsafe path, ...); the store is FAILED. */
public class StorageException extends IOException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
