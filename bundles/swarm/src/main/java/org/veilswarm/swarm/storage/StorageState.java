package org.veilswarm.swarm.storage;

public enum StorageState {
    /** Reading and writing. */
    OPEN,
    /** An I/O error stopped this torrent's storage; see {@link PieceStore#failureReason()}. */
    FAILED,
    CLOSED
}
