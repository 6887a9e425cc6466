package org.veilswarm.share.api;

import org.osgi.annotation.versioning.ConsumerType;

/** Follows the hashing of a new share and may cancel it. Called from the hashing thread. */
@ConsumerType
public interface ShareProgressListener {

    /** A listener that ignores progress and never cancels. */
    ShareProgressListener NONE = (hashed, total) -> { };

    /** {@code hashedBytes} of {@code totalBytes} hashed so far. */
    void progress(long hashedBytes, long totalBytes);

    /** Polled while hashing: {@code true} stops the creation with a {@link java.util.concurrent.CancellationException}. */
    default boolean cancelled() {
        return false;
    }
}
