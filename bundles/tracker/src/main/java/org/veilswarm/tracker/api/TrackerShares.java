package org.veilswarm.tracker.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/**
 * The shares this node's tracker serves, registered by the share layer. A share's tracker answers
 * {@code announce} and {@code scrape} under {@link TrackerShare#pathPrefix()} on every transport the tracker
 * listens on ({@link #endpoints()}); any other token gets the same 404 as a wrong path.
 *
 * <p>Registrations live as long as this service: the tracker does not persist tokens (they are the share
 * layer's secrets). A consumer that gets a new {@code TrackerShares} (after a restart or a configuration change
 * of the tracker) registers its shares again with {@link #restore}.
 */
@ProviderType
public interface TrackerShares {

    /** Serves a new share under a fresh random token (256 bits). */
    TrackerShare register(Visibility visibility, Set<InfoHash> infoHashes);

    /**
     * Serves a share under a token issued before (read back from the share layer's storage), replacing what
     * the token served.
     *
     * @throws IllegalArgumentException if the token is not 22-86 base64url characters (at least 128 bits)
     */
    TrackerShare restore(String token, Visibility visibility, Set<InfoHash> infoHashes);

    /**
     * Makes a private share public: the same torrents under a new {@code /public/<token>/} (a new token, so the
     * public link reveals nothing of the private one). The private token keeps working unless
     * {@code revokePrivate}.
     *
     * @return the public share, or empty if {@code privateToken} serves no private share
     */
    Optional<TrackerShare> publish(String privateToken, boolean revokePrivate);

    /** Stops serving {@code token} at once; whether it served a share. Peers already recorded stay in the store. */
    boolean revoke(String token);

    /** The share {@code token} serves, if any. */
    Optional<TrackerShare> find(String token);

    /**
     * Where the tracker listens now: one address per transport ({@code <node>.onion:<port>} on anonymous
     * transports, {@code ip:port} on direct). Empty while no transport is bound.
     */
    List<TransportAddress> endpoints();
}
