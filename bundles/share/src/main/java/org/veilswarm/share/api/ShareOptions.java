package org.veilswarm.share.api;

import java.util.Objects;

import org.veilswarm.api.tracker.Visibility;

/**
 * How to create a share.
 *
 * @param visibility {@link Visibility#PRIVATE} (the default) gives a {@code /private/<token>} link only;
 *                   {@link Visibility#PUBLIC} also publishes it at once
 * @param hybrid also write BEP 3 v1 piece hashes (for v1-only clients); costs a second hash pass
 * @param services K for this share: on how many onion services of its own it is published (0 to
 *                 {@link #MAX_SERVICES}; 0: under the node's own service only), or {@link #NODE_SETTING} for the
 *                 node's setting ({@code servicesPerShare} of PID {@code org.veilswarm.share}, default 2). Kept
 *                 with the share, so it survives restarts and changes of the node's setting.
 * @param clientAuth authorized clients only (as OnionShare's private shares): the share's own onion services
 *                 require client authorization (rend-spec-v3 §2.5.1.2) with an x25519 key made for the share,
 *                 whose secret half ({@link Share#clientAuthKey()}) a downloader needs besides the link; the share
 *                 is then announced under its own services only (not the node's address, not the direct
 *                 transport), so it needs at least one ({@code services} not 0). Since 1.2.
 */
public record ShareOptions(Visibility visibility, boolean hybrid, int services, boolean clientAuth) {
    /** {@link #services()}: use the node's setting. */
    public static final int NODE_SETTING = -1;
    /** Most onion services a share may be published on: each costs descriptors, intro circuits and a listener. */
    public static final int MAX_SERVICES = 8;

    public ShareOptions {
        Objects.requireNonNull(visibility, "visibility");
        if (services < NODE_SETTING || services > MAX_SERVICES) {
            throw new IllegalArgumentException("services must be 0-" + MAX_SERVICES + " (or " + NODE_SETTING
                    + " for the node's setting), got " + services);
        }
        if (clientAuth && services == 0) {
            throw new IllegalArgumentException("client authorization needs onion services of the share's own: "
                    + "services must not be 0");
        }
    }

    /** Without client authorization. */
    public ShareOptions(Visibility visibility, boolean hybrid, int services) {
        this(visibility, hybrid, services, false);
    }

    /** With the node's setting for the number of onion services. */
    public ShareOptions(Visibility visibility, boolean hybrid) {
        this(visibility, hybrid, NODE_SETTING);
    }

    /** Private, v2 only, the node's number of onion services. */
    public static ShareOptions defaults() {
        return new ShareOptions(Visibility.PRIVATE, false);
    }

    /** The same options with {@code services} onion services of its own. */
    public ShareOptions withServices(int services) {
        return new ShareOptions(visibility, hybrid, services, clientAuth);
    }

    /** The same options with or without client authorization. Since 1.2. */
    public ShareOptions withClientAuth(boolean clientAuth) {
        return new ShareOptions(visibility, hybrid, services, clientAuth);
    }
}
