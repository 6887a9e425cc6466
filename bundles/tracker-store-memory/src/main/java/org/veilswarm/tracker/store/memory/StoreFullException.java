package org.veilswarm.tracker.store.memory;

/**
 * Thrown when a new torrent would exceed {@link MemoryStoreLimits#maxTorrents()}. The tracker answers such an
 * announce with a {@code failure reason}; existing torrents keep working.
 */
public final class StoreFullException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StoreFullException(String message) {
        super(message);
    }
}
