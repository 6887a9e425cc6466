package org.veilswarm.share.impl;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.node.ServiceKeys;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.api.TrackerShares;

/**
 * What shares and downloads run on.
 *
 * @param engine seeds and downloads; listens for peers on {@code peerPort}
 * @param trackerShares this node's tracker
 * @param store this node's tracker store, when bound: shares put their torrent record (name, size, files) there,
 *              which is what mirrors and downloaders read to learn the full v2 info-hash
 * @param transports the bound transports, for announces and snapshot requests
 * @param identity verifies the signed snapshots of onion sources; empty: snapshots are not verified
 * @param dataDir the node's data directory ({@code <data>/shares/}, {@code <data>/downloads/} below it)
 * @param peerPort the port the engine accepts peers on, announced to trackers
 * @param links which endpoint links name, and which transport reaches an address
 * @param serviceKeys the node's per-share onion service keys; empty: shares are published under the node's key only
 * @param servicesPerShare K, how many onion services of its own each share is published on (issue 5, K-way
 *                   multiplexing) when {@code serviceKeys} is present; 0: under the node's key only
 */
public record ShareContext(SwarmEngine engine, TrackerShares trackerShares, Supplier<Optional<TrackerStore>> store,
        Supplier<List<Transport>> transports, Optional<NodeIdentity> identity, Path dataDir, int peerPort,
        LinkSettings links, Optional<ServiceKeys> serviceKeys, int servicesPerShare) {
    /** Most onion services a share may be published on: each costs descriptors, intro circuits and a listener. */
    public static final int MAX_SERVICES_PER_SHARE = org.veilswarm.share.api.ShareOptions.MAX_SERVICES;

    public ShareContext {
        Objects.requireNonNull(serviceKeys, "serviceKeys");
        if (servicesPerShare < 0 || servicesPerShare > MAX_SERVICES_PER_SHARE) {
            throw new IllegalArgumentException("servicesPerShare must be 0-" + MAX_SERVICES_PER_SHARE + ", got "
                    + servicesPerShare);
        }
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(trackerShares, "trackerShares");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(links, "links");
        if (peerPort < 1 || peerPort > 65535) {
            throw new IllegalArgumentException("peerPort must be 1-65535, got " + peerPort);
        }
    }

    /** Every share under the node's key only (no per-share services). */
    public ShareContext(SwarmEngine engine, TrackerShares trackerShares, Supplier<Optional<TrackerStore>> store,
            Supplier<List<Transport>> transports, Optional<NodeIdentity> identity, Path dataDir, int peerPort,
            LinkSettings links) {
        this(engine, trackerShares, store, transports, identity, dataDir, peerPort, links, Optional.empty(), 0);
    }

    /** With {@link LinkSettings#defaults()}. */
    public ShareContext(SwarmEngine engine, TrackerShares trackerShares, Supplier<Optional<TrackerStore>> store,
            Supplier<List<Transport>> transports, Optional<NodeIdentity> identity, Path dataDir, int peerPort) {
        this(engine, trackerShares, store, transports, identity, dataDir, peerPort, LinkSettings.defaults());
    }

    /**
     * The bound transport that reaches {@code address}: the configured schemes first, in their order, then the
     * anonymous transports, then the rest (a direct transport never reaches an onion address anyway).
     */
    Optional<Transport> transportFor(TransportAddress address) {
        List<String> order = links.schemeOrder();
        Comparator<Transport> preferred = Comparator.comparingInt(t -> {
            int i = order.indexOf(t.info().scheme());
            return i >= 0 ? i : order.size() + (t.info().anonymity() == Anonymity.NONE ? 1 : 0);
        });
        return transports.get().stream().filter(t -> t.canReach(address)).min(preferred);
    }

    /**
     * The number of onion services in effect for a share that chose {@code chosen} (empty: the node's setting): 0
     * when the node's service keys are not available.
     */
    int sharedServices(java.util.OptionalInt chosen) {
        return serviceKeys.isPresent() ? chosen.orElse(servicesPerShare) : 0;
    }

    /** Whether a bound transport is anonymous, i.e. could publish the tracker under the node's onion address. */
    boolean anonymousTransportBound() {
        return transports.get().stream().anyMatch(t -> t.info().anonymity() != Anonymity.NONE);
    }
}
