package org.veilswarm.tracker.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.TransportAddress;

/**
 * Mirrors of other nodes' trackers kept by this node: each copies a share's tracker data (a signed snapshot,
 * then the signed change feed) into this node's store and serves it under the same token as its own tracker,
 * also once the source is gone. A mirror is either one share, named by its share link (private shares need
 * their token), or a whole node, named by its address: then every public share the node lists in its signed
 * public index is mirrored, new ones as they appear, revoked ones dropped. Mirrors are kept in the data
 * directory and resume after a restart. Connections go through the bound transport that reaches the source.
 * See docs/protocols/tracker-mirroring.md.
 */
@ProviderType
public interface TrackerMirrors {

    /**
     * Mirrors the share of {@code shareLink}, {@code http://<address>.onion[:port]/<private|public>/<token>}.
     * Adding a mirror that exists returns it.
     *
     * @throws IllegalArgumentException if the link is not such a link
     */
    TrackerMirrorInfo mirrorShare(String shareLink);

    /**
     * Mirrors a share of the node {@code source} reached at {@code url} ({@code http://host:port/<private|public>/<token>}),
     * for transports that reach the node under another name than its onion address (direct TCP in a LAN).
     */
    TrackerMirrorInfo mirrorShare(OnionAddress source, String url);

    /**
     * Mirrors every public share of the node at {@code address}, {@code <address>.onion:<port>} (the port of its
     * tracker).
     *
     * @throws IllegalArgumentException if {@code address} is not an onion address with a port
     */
    TrackerMirrorInfo mirrorNode(String address);

    /** Mirrors every public share of the node {@code source}, reached at {@code endpoint}. */
    TrackerMirrorInfo mirrorNode(OnionAddress source, TransportAddress endpoint);

    /**
     * Stops the mirror {@code id} and forgets it: its shares are no longer served here (peers already copied
     * stay in the store until they expire), its files are deleted.
     *
     * @return whether there was such a mirror
     */
    boolean remove(String id);

    /** The mirror {@code id}, if any. */
    Optional<TrackerMirrorInfo> status(String id);

    /** All mirrors, in the order they were added. */
    List<TrackerMirrorInfo> list();
}
