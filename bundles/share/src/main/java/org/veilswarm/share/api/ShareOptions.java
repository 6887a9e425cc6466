package org.veilswarm.share.api;

import java.util.Objects;

import org.veilswarm.api.tracker.Visibility;

/**
 * How to create a share.
 *
 * @param visibility {@link Visibility#PRIVATE} (the default) gives a {@code /private/<token>} link only;
 *                   {@link Visibility#PUBLIC} also publishes it at once
 * @param hybrid also write BEP 3 v1 piece hashes (for v1-only clients); costs a second hash pass
 */
public record ShareOptions(Visibility visibility, boolean hybrid) {
    public ShareOptions {
        Objects.requireNonNull(visibility, "visibility");
    }

    /** Private, v2 only. */
    public static ShareOptions defaults() {
        return new ShareOptions(Visibility.PRIVATE, false);
    }
}
