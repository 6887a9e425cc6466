package org.veilswarm.transport.onion.hs;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Opens a fresh directory stream (BEGIN_DIR over a new anonymous circuit, rend-spec-v3 §2.2.6) to an HSDir.
 * This package declares it; the transport that owns circuits implements it.
 *
 * @param <T> the caller's relay type, as on the {@link HsDirRing}
 */
@FunctionalInterface
public interface HsDirConnector<T> {
    /**
     * An active stream channel whose pipeline holds no protocol handlers yet. Called from whatever thread
     * completed the previous request, often an event loop: must not block.
     */
    CompletableFuture<Channel> openDirectoryStream(T hsdir);
}
