package org.veilswarm.api.transport;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/** A listening endpoint created by {@link Transport#listen}. Closing it stops accepting new streams. */
@ConsumerType
public interface Listener extends AutoCloseable {

    /** The address peers use to reach this listener: {@code <address>.onion:port}, or {@code ip:port} for direct. */
    TransportAddress address();

    /** Whether the listener still accepts streams. */
    boolean isOpen();

    /** Stops accepting streams and withdraws the service; streams already open stay open. */
    CompletionStage<Void> closeAsync();

    /** Like {@link #closeAsync()}, waiting for it to complete: never call it from an event-loop thread. */
    @Override
    default void close() {
        closeAsync().toCompletableFuture().join();
    }
}
