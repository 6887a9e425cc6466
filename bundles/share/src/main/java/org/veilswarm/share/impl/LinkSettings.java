package org.veilswarm.share.impl;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which transport a share link names and which transport reaches a link's host (docs/shares.md, "Links over
 * onion services"). Only the Transport SPI is consulted: the tor transport and the native onion transport both
 * publish the node's key under the same onion address, so one link works on either.
 *
 * @param policy     which of the tracker's endpoints links name
 * @param onionWait  how long creating a share waits for an onion endpoint when an anonymous transport is bound
 *                   but has not published the tracker yet (tor bootstrapping, a descriptor being published)
 * @param schemeOrder transport schemes tried first, in this order, when several bound transports reach an
 *                   address (e.g. {@code onion} before {@code tor}); the rest follow, anonymous ones first
 */
public record LinkSettings(Policy policy, Duration onionWait, List<String> schemeOrder) {

    /** Which endpoint a share link names. */
    public enum Policy {
        /** An onion address when the tracker has one, else a direct one with a warning that it is not anonymous. */
        PREFER_ONION,
        /** An onion address only: creating a share fails when the tracker has none. */
        ONION_ONLY,
        /** A non-onion (direct) endpoint when there is one: for LANs and tests; NOT anonymous. */
        DIRECT;

        /** {@code prefer-onion}, {@code onion-only} or {@code direct}, case-insensitive. */
        public static Policy parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "prefer-onion" -> PREFER_ONION;
                case "onion-only" -> ONION_ONLY;
                case "direct" -> DIRECT;
                default -> throw new IllegalArgumentException("link transport must be 'prefer-onion', 'onion-only' or"
                        + " 'direct', got '" + text + "'");
            };
        }
    }

    public LinkSettings {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(onionWait, "onionWait");
        if (onionWait.isNegative()) {
            throw new IllegalArgumentException("onionWait must not be negative, got " + onionWait);
        }
        schemeOrder = List.copyOf(schemeOrder);
    }

    /** Prefer onion links, wait up to 120 s for one, reach onion addresses through {@code onion}, then {@code tor}. */
    public static LinkSettings defaults() {
        return new LinkSettings(Policy.PREFER_ONION, Duration.ofSeconds(120), List.of("onion", "tor"));
    }
}
